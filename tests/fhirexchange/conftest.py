"""Fixtures of the FHIR exchange tests: exporting a case and importing a Bundle through the
API."""

import json

import pytest
from django.urls import reverse


@pytest.fixture
def export_case(client_for):
    """export_case(case, user): the case's Bundle as the API answers it (asserting a 200)."""

    def export(case, user):
        response = client_for(user).get(reverse("api:case-fhir", args=[case.id]))
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("application/fhir+json")
        return response.json()

    return export


@pytest.fixture
def import_bundle(client_for):
    """import_bundle(bundle, user): the API's answer to POSTing the Bundle as FHIR JSON."""

    def post(bundle, user):
        return client_for(user).post(
            reverse("api:fhir-import"), json.dumps(bundle), content_type="application/fhir+json"
        )

    return post
