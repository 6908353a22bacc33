"""The OpenAPI schema describes every endpoint."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from config.api_router import router

pytestmark = pytest.mark.django_db


def test_schema_describes_every_route_with_a_summary(client_for, viewer):
    schema = client_for(viewer).get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]

    for prefix, _viewset, basename in router.registry:
        assert f"/api/v1/{prefix}/" in paths, basename
        assert f"/api/v1/{prefix}/{{id}}/" in paths, basename
    for extra in (
        "/api/v1/cases/{id}/facts/",
        "/api/v1/cases/{id}/history/",
        "/api/v1/auth/token/",
        "/api/v1/meetings/{id}/agenda/",
        "/api/v1/meetings/{id}/agenda/{item_id}/",
        "/api/v1/me/",
    ):
        assert extra in paths
    operations = [op for path in paths.values() for op in path.values()]
    assert all(operation.get("summary") for operation in operations)
    assert "CaseFacts" in schema["components"]["schemas"]
    facts = schema["components"]["schemas"]["CaseFacts"]
    assert facts["properties"]["liver"]["properties"]["lesions"]["maxItems"] == 50


def test_schema_generation_has_no_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())
