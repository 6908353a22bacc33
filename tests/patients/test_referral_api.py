"""A whole referral in one call, and the facts round trip: what the API stores is what it gives
back, for every worked example of the pathway."""

from copy import deepcopy
from datetime import date

import pytest
from django.urls import reverse

from apps.pathways.facts import facts_to_dict, parse_facts
from apps.patients.models import MdtCase, Patient
from tests.conftest import EXAMPLES, example, referral_payload

pytestmark = pytest.mark.django_db


def _assert_subset(given, returned, path="facts"):
    """Every value the client gave comes back identical (type included: 18 stays 18)."""
    if isinstance(given, dict):
        assert isinstance(returned, dict), path
        for key, value in given.items():
            assert key in returned, f"{path}.{key} missing"
            _assert_subset(value, returned[key], f"{path}.{key}")
    elif isinstance(given, list):
        assert isinstance(returned, list) and len(returned) == len(given), path
        for index, (a, b) in enumerate(zip(given, returned, strict=True)):
            _assert_subset(a, b, f"{path}[{index}]")
    else:
        assert returned == given and type(returned) is type(given), (path, given, returned)


@pytest.mark.parametrize(("name", "document"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_referral_facts_round_trip_every_example(coordinator_client, name, document):
    case = document["case"]
    response = coordinator_client.post(
        reverse("api:case-list"), referral_payload(case, mrn=f"RT-{name[:40]}"), format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["has_facts"] is True

    facts = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]]))

    assert facts.status_code == 200
    assert facts.json() == facts_to_dict(parse_facts(case))
    _assert_subset(case, facts.json())


def test_referral_matches_existing_patient_by_mrn(coordinator_client):
    payload = referral_payload(example("solitary-metachronous-low-risk"), mrn="SAME-1")
    first = coordinator_client.post(reverse("api:case-list"), payload, format="json")
    payload["patient"]["given_name"] = "  fictional "  # case and spacing do not matter
    second = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert first.status_code == second.status_code == 201
    assert first.data["patient"]["id"] == second.data["patient"]["id"]
    assert Patient.objects.filter(mrn="SAME-1").count() == 1
    assert MdtCase.objects.filter(patient__mrn="SAME-1").count() == 2


def test_referral_refuses_mrn_of_a_different_person(coordinator_client):
    payload = referral_payload(example("solitary-metachronous-low-risk"), mrn="SAME-2")
    coordinator_client.post(reverse("api:case-list"), payload, format="json")
    payload["patient"]["birth_date"] = "1950-05-05"
    payload["patient"]["family_name"] = "Other"
    payload["facts"] = {**payload["facts"], "patient": {"age": 76, "ecog": 0}}

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"patient.birth_date", "patient.family_name"}
    assert MdtCase.objects.filter(patient__mrn="SAME-2").count() == 1


def test_referral_computes_age_from_birth_date_when_left_out(coordinator_client):
    case = deepcopy(example("solitary-metachronous-low-risk"))
    payload = referral_payload(case, mrn="AGE-1")
    del payload["facts"]["patient"]["age"]
    payload["patient"]["birth_date"] = date(date.today().year - 71, 1, 1).isoformat()

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 201, response.data
    facts = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]])).json()
    assert facts["patient"]["age"] == 71


def test_referral_refuses_age_that_contradicts_birth_date(coordinator_client):
    payload = referral_payload(example("solitary-metachronous-low-risk"), mrn="AGE-2")
    payload["patient"]["birth_date"] = date(date.today().year - 40, 1, 1).isoformat()

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["facts.patient.age"]
    assert not Patient.objects.filter(mrn="AGE-2").exists()  # nothing half-saved


def test_case_for_existing_patient_without_facts(coordinator_client, hospital):
    patient = Patient.objects.create(
        hospital=hospital,
        mrn="P-1",
        given_name="A",
        family_name="B",
        birth_date=date(1960, 1, 1),
        sex="male",
    )
    response = coordinator_client.post(
        reverse("api:case-list"), {"patient_id": str(patient.id), "question": "Q?"}, format="json"
    )
    assert response.status_code == 201
    assert response.data["has_facts"] is False

    facts = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]]))
    assert facts.status_code == 404
    assert facts.json()["message"]


def test_case_create_refuses_both_patient_forms(coordinator_client):
    payload = referral_payload(example("solitary-metachronous-low-risk"))
    payload["patient_id"] = "6f1c7a52-3c1e-4a4e-9d6e-0c1a2b3c4d5e"
    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")
    assert response.status_code == 400
    assert "patient" in response.json()["errors"]


def test_put_facts_replaces_lesions_and_sites(coordinator_client):
    case = example("lung-and-peritoneum-unresectable-ehd")
    created = coordinator_client.post(
        reverse("api:case-list"), referral_payload(case, mrn="PUT-1"), format="json"
    )
    url = reverse("api:case-facts", args=[created.data["id"]])
    changed = deepcopy(case)
    changed["liver"]["lesions"] = [{"segment": 4, "size_mm": 12.5, "disappeared": True}]
    changed["extrahepatic"]["sites"] = [{"site": "peritoneum", "resectable": True}]
    changed["biomarkers"]["ras"] = "mutant"

    response = coordinator_client.put(url, changed, format="json")

    assert response.status_code == 200, response.data
    assert response.json() == facts_to_dict(parse_facts(changed))
    assert coordinator_client.get(url).json()["liver"]["lesions"] == [
        {
            "segment": 4,
            "size_mm": 12.5,
            "near_major_vessel": False,
            "peribiliary": False,
            "subcapsular_or_dome": False,
            "disappeared": True,
        }
    ]


def test_put_same_facts_writes_nothing(coordinator_client):
    case = example("synchronous-rectal-resectable")
    created = coordinator_client.post(
        reverse("api:case-list"), referral_payload(case, mrn="PUT-2"), format="json"
    )
    history_url = reverse("api:case-history", args=[created.data["id"]])
    before = coordinator_client.get(history_url).json()["count"]
    updated_at = MdtCase.objects.get(pk=created.data["id"]).facts_updated_at

    response = coordinator_client.put(
        reverse("api:case-facts", args=[created.data["id"]]), case, format="json"
    )

    assert response.status_code == 200
    assert coordinator_client.get(history_url).json()["count"] == before
    assert MdtCase.objects.get(pk=created.data["id"]).facts_updated_at == updated_at


def test_put_facts_on_closed_case_is_refused_until_reopened(coordinator_client):
    case = example("synchronous-rectal-resectable")
    created = coordinator_client.post(
        reverse("api:case-list"), referral_payload(case, mrn="PUT-3"), format="json"
    )
    detail = reverse("api:case-detail", args=[created.data["id"]])
    facts_url = reverse("api:case-facts", args=[created.data["id"]])
    changed = deepcopy(case)
    changed["patient"]["ecog"] = 1

    coordinator_client.patch(detail, {"status": "closed"}, format="json")
    assert coordinator_client.put(facts_url, changed, format="json").status_code == 409
    coordinator_client.patch(detail, {"status": "awaiting_discussion"}, format="json")
    assert coordinator_client.put(facts_url, changed, format="json").status_code == 200


def test_case_for_existing_patient_takes_age_from_their_birth_date(coordinator_client, hospital):
    patient = Patient.objects.create(
        hospital=hospital,
        mrn="P-2",
        given_name="A",
        family_name="B",
        birth_date=date(date.today().year - 66, 1, 1),
        sex="male",
    )
    facts = deepcopy(example("solitary-metachronous-low-risk"))
    del facts["patient"]["age"]
    response = coordinator_client.post(
        reverse("api:case-list"),
        {"patient_id": str(patient.id), "question": "Q?", "facts": facts},
        format="json",
    )
    assert response.status_code == 201, response.data
    stored = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]])).json()
    assert stored["patient"]["age"] == 66


def test_cea_measurement_date_in_referral_and_patch(coordinator_client):
    payload = referral_payload(example("solitary-metachronous-low-risk"), mrn="CEA-1")
    payload["cea_measured_on"] = "2026-10-30"
    created = coordinator_client.post(reverse("api:case-list"), payload, format="json")
    assert created.status_code == 201, created.data
    assert created.data["cea_measured_on"] == "2026-10-30"

    detail = reverse("api:case-detail", args=[created.data["id"]])
    patched = coordinator_client.patch(detail, {"cea_measured_on": "2026-11-02"}, format="json")
    assert patched.status_code == 200
    assert coordinator_client.get(detail).json()["cea_measured_on"] == "2026-11-02"
    history = coordinator_client.get(reverse("api:case-history", args=[created.data["id"]])).json()
    assert {"field": "cea_measured_on", "before": "2026-10-30", "after": "2026-11-02"} in history[
        "results"
    ][0]["changes"]


def test_cea_date_without_facts_is_refused(coordinator_client, hospital):
    patient = Patient.objects.create(
        hospital=hospital,
        mrn="CEA-2",
        given_name="A",
        family_name="B",
        birth_date=date(1960, 1, 1),
        sex="male",
    )
    created = coordinator_client.post(
        reverse("api:case-list"), {"patient_id": str(patient.id), "question": "Q?"}, format="json"
    )
    response = coordinator_client.patch(
        reverse("api:case-detail", args=[created.data["id"]]),
        {"cea_measured_on": "2026-11-02"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cea_measured_on"]
