"""Discovery and the `patient-view` service: CDS Hooks shapes, the card's content, links to the
case only within the client's hospital, missing inputs as a warning card, bad bodies as 400."""

from __future__ import annotations

import jsonschema
import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from apps.cdshooks.models import CdsCard, CdsClient
from apps.pathways import registry
from tests.conftest import example
from tests.factories import CaseFactory

from .conftest import SOLITARY, hook_body, hook_url, post
from .schemas import CARDS_RESPONSE, DISCOVERY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/cds-services", "/cds-services/"])
def test_discovery_lists_the_service_with_its_prefetch(path):
    assert reverse("cdshooks:discovery") == "/cds-services"
    response = APIClient().get(path)

    assert response.status_code == 200
    body = response.json()
    jsonschema.validate(body, DISCOVERY)
    (service,) = body["services"]
    assert service["id"] == "crlm-pathway" and service["hook"] == "patient-view"
    assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert set(service["prefetch"]) >= {"conditions", "observations", "bodyStructures"}


def test_patient_view_answers_the_pathways_recommendation(call_hook, ehr):
    response = call_hook()

    assert response.status_code == 200, response.content
    body = response.json()
    jsonschema.validate(body, CARDS_RESPONSE)
    (card,) = body["cards"]
    assert card["summary"].startswith("Liver MDT pathway: Liver resection")
    assert card["indicator"] == "warning"  # the pathway's caution warnings (R0 not assessed)
    assert registry.CURRENT_VERSION in card["source"]["label"]
    assert "not a decision" in card["detail"] and "Evidence:" in card["detail"]
    assert "links" not in card  # no such patient in the hospital
    issued = CdsCard.objects.get(pk=card["uuid"])
    assert (issued.client, issued.primary_code, issued.case) == (ehr, "HEPATECTOMY", None)


def test_patient_view_links_the_patients_case_in_the_clients_hospital(call_hook, hospital):
    case = CaseFactory(patient__hospital=hospital, facts=SOLITARY)

    response = call_hook(hook_body(mrn=case.patient.mrn))

    (card,) = response.json()["cards"]
    url = settings.SITE_URL.rstrip("/") + reverse(
        "workspace:case-detail", kwargs={"case_id": case.id}
    )
    assert card["links"] == [{"label": "Open the MDT case", "url": url, "type": "absolute"}]
    assert CdsCard.objects.get(pk=card["uuid"]).case == case


def test_another_hospitals_client_gets_no_link_to_this_hospitals_case(
    hospital, other_hospital, key_pair, sign
):
    case = CaseFactory(patient__hospital=hospital, facts=SOLITARY)
    other = CdsClient.objects.create(
        name="Other EHR",
        issuer="https://other.example.org",
        public_key=key_pair[1],
        hospital=other_hospital,
    )

    response = post(hook_url(), hook_body(mrn=case.patient.mrn), sign(issuer=other.issuer))

    (card,) = response.json()["cards"]
    assert "links" not in card
    assert CdsCard.objects.get(pk=card["uuid"]).case is None


def test_prefetch_lacking_a_required_input_answers_a_warning_card(call_hook):
    body = hook_body()
    body["prefetch"]["observations"]["entry"] = [
        entry
        for entry in body["prefetch"]["observations"]["entry"]
        if entry["resource"]["code"]["coding"][0]["code"] != "89247-1"  # no ECOG
    ]
    body["prefetch"]["procedures"] = None  # the EHR could not fetch them

    response = call_hook(body)

    assert response.status_code == 200
    jsonschema.validate(response.json(), CARDS_RESPONSE)
    (card,) = response.json()["cards"]
    assert card["indicator"] == "warning"
    assert "not run" in card["summary"]
    assert "`patient.ecog`" in card["detail"] and "`primary.in_situ`" in card["detail"]
    assert CdsCard.objects.get(pk=card["uuid"]).primary_code == ""


def test_an_empty_prefetch_answers_a_warning_card_not_an_error(call_hook):
    body = hook_body()
    body["prefetch"] = {}

    response = call_hook(body)

    assert response.status_code == 200
    assert response.json()["cards"][0]["indicator"] == "warning"


def test_extrahepatic_disease_asks_for_its_resectability(call_hook):
    case = example(SOLITARY)
    case["extrahepatic"] = {"sites": [{"site": "lung", "resectable": True}]}

    (card,) = call_hook(hook_body(case)).json()["cards"]

    assert card["indicator"] == "warning"
    assert "extrahepatic.sites[0].resectable" in card["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hook": "order-select"}, "hook"),
        ({"hookInstance": "not-a-uuid"}, "hookInstance"),
        ({"context": {}}, "context.patientId"),
        ({"context": "p1"}, "context"),
        ({"prefetch": None}, "prefetch"),
        ({"prefetch": []}, "prefetch"),
        ({"prefetch": {"patient": "Patient/1"}}, "prefetch.patient"),
    ],
)
def test_bad_request_is_400_naming_the_field(call_hook, change, field):
    body = {**hook_body(), **change}
    if change.get("prefetch", 0) is None:
        del body["prefetch"]

    response = call_hook(body)

    assert response.status_code == 400, response.content
    assert set(response.json()) == {"message", "errors"}
    assert field in response.json()["errors"]


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_a_body_that_is_not_an_object_is_400(call_hook, body):
    response = call_hook(body if body is not None else {})
    assert response.status_code == 400


def test_hugely_nested_prefetch_is_400(call_hook):
    nested: dict = {}
    for _ in range(200):
        nested = {"a": nested}
    body = hook_body()
    body["prefetch"]["patient"] = nested

    assert call_hook(body).status_code == 400


@pytest.mark.parametrize(
    "patient",
    [
        {"resourceType": "Patient", "birthDate": 12, "identifier": "x"},
        {"resourceType": "Patient", "birthDate": "1890-01-01"},
        {"resourceType": "Patient", "birthDate": "2020-13-45", "identifier": [3, {"type": []}]},
    ],
)
def test_odd_fhir_resources_never_cause_a_500(call_hook, patient):
    body = hook_body()
    body["prefetch"]["patient"] = patient
    body["prefetch"]["conditions"] = {"resourceType": "Bundle", "entry": [1, {"resource": []}]}

    response = call_hook(body)

    assert response.status_code == 200
    assert response.json()["cards"][0]["indicator"] == "warning"


def test_unknown_service_is_404(sign):
    url = reverse("cdshooks:service", kwargs={"service_id": "nope"})
    response = post(url, hook_body(), sign())
    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}
