"""A whole referral in one call, and the facts round trip: what the API stores is what it gives
back, for every worked example of the pathway."""

from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from apps.pathways.facts import facts_to_dict, parse_facts
from apps.patients.models import MdtCase, Patient
from tests.conftest import EXAMPLES, example, referral_payload
from tests.factories import CaseFactory, ImagingStudyFactory, PatientFactory

pytestmark = pytest.mark.django_db

SIMPLE = "solitary-metachronous-low-risk"


def _assert_subset(given, returned, path="facts"):
    """Every value the client gave comes back identical (type included: 18 stays 18, not 18.0)."""
    if isinstance(given, dict):
        assert isinstance(returned, dict), path
        for key, value in given.items():
            assert key in returned, f"{path}.{key} missing"
            _assert_subset(value, returned[key], f"{path}.{key}")
    elif isinstance(given, list):
        assert isinstance(returned, list), path
        assert len(returned) == len(given), path
        for index, (a, b) in enumerate(zip(given, returned, strict=True)):
            _assert_subset(a, b, f"{path}[{index}]")
    else:
        assert returned == given, (path, given, returned)
        assert type(returned) is type(given), (path, given, returned)


def _history_row_count() -> int:
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
        and model._meta.app_label in {"patients", "imaging", "meetings"}
    )


def _refer(client, case, **kwargs):
    return client.post(reverse("api:case-list"), referral_payload(case, **kwargs), format="json")


@pytest.mark.parametrize(("name", "document"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_referral_facts_round_trip_every_example(coordinator_client, name, document):
    case = document["case"]
    response = _refer(coordinator_client, case, mrn=f"RT-{name[:40]}")
    assert response.status_code == 201, response.data
    assert response.data["id"]
    assert response.data["has_facts"] is True

    facts = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]]))

    assert facts.status_code == 200
    assert facts.json() == facts_to_dict(parse_facts(case))
    _assert_subset(case, facts.json())


def test_referral_examples_fixture_matches_the_shared_folder(examples):
    # The fixture and the parametrized list above read the same folder (SHARED_DIR).
    assert [name for name, _ in examples] == [name for name, _ in EXAMPLES]
    assert len(examples) >= 10


def test_referral_matches_existing_patient_by_mrn(coordinator_client):
    payload = referral_payload(example(SIMPLE), mrn="SAME-1")
    first = coordinator_client.post(reverse("api:case-list"), payload, format="json")
    payload["patient"]["given_name"] = "  fictional "  # case and spacing do not matter
    second = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert first.status_code == second.status_code == 201
    assert first.data["patient"]["id"] == second.data["patient"]["id"]
    assert first.data["id"] != second.data["id"]
    assert Patient.objects.filter(mrn="SAME-1").count() == 1
    assert MdtCase.objects.filter(patient__mrn="SAME-1").count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", "Other"),
        ("family_name", "Other"),
        ("birth_date", "1950-05-05"),
        ("sex", "male"),
    ],
)
def test_referral_refuses_mrn_of_a_different_person(coordinator_client, field, value):
    case = example(SIMPLE)
    coordinator_client.post(
        reverse("api:case-list"), referral_payload(case, mrn="SAME-2"), format="json"
    )
    payload = referral_payload(case, mrn="SAME-2")
    payload["patient"][field] = value
    del payload["facts"]["patient"]["age"]  # so that only the identity can be at fault

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert set(body["errors"]) == {f"patient.{field}"}
    assert MdtCase.objects.filter(patient__mrn="SAME-2").count() == 1


def test_referral_reports_every_identity_mismatch_at_once(coordinator_client):
    payload = referral_payload(example(SIMPLE), mrn="SAME-3")
    coordinator_client.post(reverse("api:case-list"), payload, format="json")
    payload["patient"].update(birth_date="1950-05-05", family_name="Other")
    del payload["facts"]["patient"]["age"]

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"patient.birth_date", "patient.family_name"}


def test_referral_mrn_of_another_hospital_is_a_new_patient(coordinator_client, other_hospital):
    theirs = PatientFactory(hospital=other_hospital, mrn="SHARED-1", family_name="Elsewhere")

    response = _refer(coordinator_client, example(SIMPLE), mrn="SHARED-1")

    assert response.status_code == 201, response.data
    assert response.data["patient"]["id"] != str(theirs.id)
    assert response.data["patient"]["family_name"] == "Referral"
    assert Patient.objects.filter(mrn="SHARED-1").count() == 2


def test_referral_computes_age_from_birth_date_when_left_out(coordinator_client):
    payload = referral_payload(example(SIMPLE), mrn="AGE-1")
    del payload["facts"]["patient"]["age"]
    payload["patient"]["birth_date"] = date(timezone.localdate().year - 71, 1, 1).isoformat()

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 201, response.data
    facts = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]])).json()
    assert facts["patient"]["age"] == 71


def test_referral_computes_age_on_the_referral_date(coordinator_client):
    payload = referral_payload(example(SIMPLE), mrn="AGE-3")
    del payload["facts"]["patient"]["age"]
    payload["patient"]["birth_date"] = "1960-06-15"
    payload["referred_on"] = "2025-06-14"  # the day before the 65th birthday

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 201, response.data
    facts = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]])).json()
    assert facts["patient"]["age"] == 64


def test_referral_refuses_age_that_contradicts_birth_date(coordinator_client):
    payload = referral_payload(example(SIMPLE), mrn="AGE-2")
    payload["patient"]["birth_date"] = date(timezone.localdate().year - 40, 1, 1).isoformat()

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["facts.patient.age"]
    assert not Patient.objects.filter(mrn="AGE-2").exists()  # nothing half-saved


@pytest.mark.parametrize(("field", "value"), [("question", ""), ("referred_on", "2999-01-01")])
def test_referral_left_out_age_is_not_blamed_for_other_errors(coordinator_client, field, value):
    payload = referral_payload(example(SIMPLE), mrn="AGE-4")
    del payload["facts"]["patient"]["age"]
    payload[field] = value

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


def test_case_for_existing_patient_without_facts(coordinator_client, hospital):
    patient = PatientFactory(hospital=hospital)
    response = coordinator_client.post(
        reverse("api:case-list"), {"patient_id": str(patient.id), "question": "Q?"}, format="json"
    )
    assert response.status_code == 201
    assert response.data["has_facts"] is False
    assert response.data["patient"]["id"] == str(patient.id)

    facts = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]]))
    assert facts.status_code == 404
    body = facts.json()
    assert set(body) == {"message", "errors"}
    assert body["message"]
    assert isinstance(body["errors"], dict)


def test_case_for_existing_patient_takes_age_from_their_birth_date(coordinator_client, hospital):
    patient = PatientFactory(
        hospital=hospital, birth_date=date(timezone.localdate().year - 66, 1, 1)
    )
    facts = example(SIMPLE)
    del facts["patient"]["age"]
    response = coordinator_client.post(
        reverse("api:case-list"),
        {"patient_id": str(patient.id), "question": "Q?", "facts": facts},
        format="json",
    )
    assert response.status_code == 201, response.data
    stored = coordinator_client.get(reverse("api:case-facts", args=[response.data["id"]])).json()
    assert stored["patient"]["age"] == 66


def test_case_create_refuses_both_patient_forms(coordinator_client, hospital):
    payload = referral_payload(example(SIMPLE))
    payload["patient_id"] = str(PatientFactory(hospital=hospital).id)
    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")
    assert response.status_code == 400
    assert "patient" in response.json()["errors"]
    assert not MdtCase.objects.exists()


def test_case_create_refuses_neither_patient_form(coordinator_client):
    response = coordinator_client.post(reverse("api:case-list"), {"question": "Q?"}, format="json")
    assert response.status_code == 400
    assert "patient" in response.json()["errors"]


def test_case_create_refuses_patient_of_another_hospital(coordinator_client, other_hospital):
    theirs = PatientFactory(hospital=other_hospital)
    response = coordinator_client.post(
        reverse("api:case-list"), {"patient_id": str(theirs.id), "question": "Q?"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["patient_id"]


def test_put_facts_replaces_lesions_and_sites(coordinator_client):
    case = example("lung-and-peritoneum-unresectable-ehd")
    created = _refer(coordinator_client, case, mrn="PUT-1")
    url = reverse("api:case-facts", args=[created.data["id"]])
    changed = example("lung-and-peritoneum-unresectable-ehd")
    changed["liver"]["lesions"] = [{"segment": 4, "size_mm": 12.5, "disappeared": True}]
    # A lesion disappears on chemotherapy: the facts say it was given.
    changed["treatment"].update(preoperative_cycles=4, latest_response="complete")
    changed["extrahepatic"]["sites"] = [{"site": "peritoneum", "resectable": True}]
    changed["biomarkers"]["ras"] = "mutant"

    response = coordinator_client.put(url, changed, format="json")

    assert response.status_code == 200, response.data
    assert response.json() == facts_to_dict(parse_facts(changed))
    stored = coordinator_client.get(url).json()
    assert stored == facts_to_dict(parse_facts(changed))
    assert stored["liver"]["lesions"] == [
        {
            "segment": 4,
            "size_mm": 12.5,
            "near_major_vessel": False,
            "peribiliary": False,
            "subcapsular_or_dome": False,
            "disappeared": True,
        }
    ]
    assert stored["extrahepatic"]["sites"] == [{"site": "peritoneum", "resectable": True}]


def test_put_facts_adds_lesions_and_sites(coordinator_client):
    case = example("synchronous-rectal-resectable")
    created = _refer(coordinator_client, case, mrn="PUT-4")
    url = reverse("api:case-facts", args=[created.data["id"]])
    changed = example("synchronous-rectal-resectable")
    changed["liver"]["lesions"] += [
        {"segment": 1, "size_mm": 8},
        {"segment": 5, "size_mm": 14.5, "peribiliary": True},
    ]
    changed["extrahepatic"]["sites"] = [
        {"site": "lung", "resectable": True},
        {"site": "portocaval_nodes", "resectable": False},
    ]

    assert coordinator_client.put(url, changed, format="json").status_code == 200

    stored = coordinator_client.get(url).json()
    assert stored == facts_to_dict(parse_facts(changed))
    _assert_subset(changed, stored)
    lesions = coordinator_client.get(
        reverse("api:lesion-list"), {"case": created.data["id"]}
    ).json()["results"]
    assert [lesion["position"] for lesion in lesions] == list(
        range(len(changed["liver"]["lesions"]))
    )


def test_put_facts_keeps_a_lesion_linked_to_its_study(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital, facts="synchronous-rectal-resectable")
    study = ImagingStudyFactory(case=case, modality="mri", hepatospecific_contrast=True)
    first = case.liver_lesions.get(position=0)
    first.study = study
    first.save()
    changed = example("synchronous-rectal-resectable")
    changed["liver"]["lesions"][1]["size_mm"] = 44

    response = coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), changed, format="json"
    )

    assert response.status_code == 200
    first.refresh_from_db()
    assert first.study_id == study.id


def test_put_same_facts_writes_nothing(coordinator_client):
    case = example("synchronous-rectal-resectable")
    created = _refer(coordinator_client, case, mrn="PUT-2")
    history_url = reverse("api:case-history", args=[created.data["id"]])
    before = coordinator_client.get(history_url).json()["count"]
    rows_before = _history_row_count()
    updated_at = MdtCase.objects.get(pk=created.data["id"]).facts_updated_at
    facts_url = reverse("api:case-facts", args=[created.data["id"]])

    # The same facts, once as sent and once in the canonical form the API answers with.
    for body in (case, coordinator_client.get(facts_url).json()):
        response = coordinator_client.put(facts_url, body, format="json")
        assert response.status_code == 200

    assert coordinator_client.get(history_url).json()["count"] == before
    assert _history_row_count() == rows_before
    assert MdtCase.objects.get(pk=created.data["id"]).facts_updated_at == updated_at


def test_put_facts_first_time_on_a_case_without_facts(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital, patient__birth_date=date(1966, 1, 1))
    facts = example(SIMPLE)
    facts["patient"]["age"] = case.patient.age_on(case.referred_on)

    response = coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), facts, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.json() == facts_to_dict(parse_facts(facts))
    assert coordinator_client.get(reverse("api:case-detail", args=[case.id])).json()["has_facts"]


def test_put_facts_age_must_match_birth_date(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital, facts=SIMPLE)
    facts = example(SIMPLE)
    facts["patient"]["age"] += 1

    response = coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), facts, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["patient.age"]


def test_put_facts_on_closed_case_is_refused_until_reopened(coordinator_client):
    case = example("synchronous-rectal-resectable")
    created = _refer(coordinator_client, case, mrn="PUT-3")
    detail = reverse("api:case-detail", args=[created.data["id"]])
    facts_url = reverse("api:case-facts", args=[created.data["id"]])
    changed = example("synchronous-rectal-resectable")
    changed["patient"]["ecog"] = 1

    coordinator_client.patch(detail, {"status": "closed"}, format="json")
    assert coordinator_client.put(facts_url, changed, format="json").status_code == 409
    coordinator_client.patch(detail, {"status": "awaiting_discussion"}, format="json")
    assert coordinator_client.put(facts_url, changed, format="json").status_code == 200


def test_cea_measurement_date_in_referral_and_patch(coordinator_client):
    payload = referral_payload(example(SIMPLE), mrn="CEA-1")
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
    case = CaseFactory(patient__hospital=hospital)
    response = coordinator_client.patch(
        reverse("api:case-detail", args=[case.id]),
        {"cea_measured_on": "2026-11-02"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cea_measured_on"]
