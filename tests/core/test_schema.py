"""The OpenAPI schema describes every endpoint, and drf-spectacular finds nothing to warn about."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from config.api_router import router, urlpatterns

pytestmark = pytest.mark.django_db

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _template(regex: str) -> str:
    """`^cases/(?P<pk>[^/.]+)/facts/$` -> `/api/v1/cases/{id}/facts/` (the schema names pk id)."""
    path = regex.removeprefix("^").removesuffix("$")
    path = re.sub(r"\(\?P<pk>[^)]*\)", "{id}", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    return f"/api/v1/{path}"


def _router_operations() -> dict[str, set[str]]:
    """Every path of the router with the HTTP methods it answers."""
    operations: dict[str, set[str]] = {}
    for pattern in router.urls:
        if "format" in pattern.pattern.regex.groupindex:
            continue  # the `.json` suffix variants of the same routes
        methods = set(pattern.callback.actions) & HTTP_METHODS  # DRF adds "head" once used
        if methods:
            operations.setdefault(_template(pattern.pattern.regex.pattern), set()).update(methods)
    return operations


@pytest.fixture
def schema(client_for, viewer):
    response = client_for(viewer).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_has_every_router_path_and_method(schema):
    paths = schema["paths"]
    expected = _router_operations()
    assert len(expected) >= 13
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) & HTTP_METHODS == methods, path


def test_schema_has_the_other_api_routes(schema):
    paths = schema["paths"]
    router_patterns = {id(pattern) for pattern in router.urls}  # checked by the test above
    for pattern in urlpatterns:
        if pattern.name and id(pattern) not in router_patterns:
            template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
            assert f"/api/v1/{template}" in paths, pattern.name
    assert set(paths["/api/v1/auth/token/"]) >= {"post", "delete"}
    assert "get" in paths["/api/v1/me/"]


def test_schema_every_operation_has_a_summary_and_error_shape(schema):
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
    assert operations
    for path, method, operation in operations:
        assert operation.get("summary"), (method, path)
        # Open by design: logging in, and CDS Hooks discovery (it names no patient, and an EHR
        # reads it before it has any key configured).
        if path not in {"/api/v1/auth/token/", "/cds-services/"}:
            assert "401" in operation["responses"], (method, path)


def test_schema_describes_the_facts_once(schema):
    components = schema["components"]["schemas"]
    facts = components["CaseFacts"]
    assert facts["properties"]["liver"]["properties"]["lesions"]["maxItems"] == 50
    facts_path = schema["paths"]["/api/v1/cases/{id}/facts/"]
    request = facts_path["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    answer = facts_path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/CaseFacts"}
    # The request side is the same document (split into its own component by the settings).
    request_schema = components[request.rsplit("/", 1)[1]]
    assert request_schema["properties"].keys() == facts["properties"].keys()


def test_schema_is_refused_to_anonymous(api_client):
    assert api_client.get(reverse("api-schema"), {"format": "json"}).status_code == 401


def test_schema_generation_has_no_warnings():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "openapi" in out.getvalue()
