"""Bad input gets a clear 400 naming the field that is wrong, never a 500; free text is escaped
wherever it is shown."""

import json

import pytest
from django.urls import reverse

from tests.conftest import INVALID_EXAMPLES, example, referral_payload
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db

VALID_NAME = "solitary-metachronous-low-risk"
INVALID_IDS = [name for name, _ in INVALID_EXAMPLES]
PATIENT = {
    "mrn": "B-1",
    "given_name": "Ada",
    "family_name": "Fictional",
    "birth_date": "1970-01-01",
    "sex": "male",
}


def _assert_error_shape(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str) and body["message"]
    assert all(
        isinstance(path, str) and messages and all(isinstance(m, str) for m in messages)
        for path, messages in body["errors"].items()
    )
    return body


@pytest.fixture
def case_with_facts(hospital):
    return CaseFactory(patient__hospital=hospital, facts=VALID_NAME)


@pytest.mark.parametrize(("name", "document"), INVALID_EXAMPLES, ids=INVALID_IDS)
def test_invalid_example_via_referral_names_exactly_its_fields(coordinator_client, name, document):
    # referral_payload gives a birth date matching the (possibly out-of-range) age, so the only
    # faults are the example's own.
    payload = referral_payload(document["case"], mrn=f"INV-{name[:30]}")

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    body = _assert_error_shape(response)
    assert set(body["errors"]) == {f"facts.{path}" for path in document["errors"]}


@pytest.mark.parametrize(("name", "document"), INVALID_EXAMPLES, ids=INVALID_IDS)
def test_invalid_example_via_put_facts_names_exactly_its_fields(
    coordinator_client, case_with_facts, name, document
):
    url = reverse("api:case-facts", args=[case_with_facts.id])
    before = coordinator_client.get(url).json()

    response = coordinator_client.put(url, document["case"], format="json")

    body = _assert_error_shape(response)
    assert set(body["errors"]) == set(document["errors"])
    assert coordinator_client.get(url).json() == before  # nothing was written


def test_invalid_examples_fixture_carries_the_error_paths(invalid_examples):
    assert [name for name, _, _ in invalid_examples] == INVALID_IDS
    assert all(paths for _, _, paths in invalid_examples)


@pytest.mark.parametrize("raw", ["{bad", "[1, 2]", '"text"', "null", "42"])
def test_put_facts_body_that_is_not_an_object(coordinator_client, case_with_facts, raw):
    response = coordinator_client.put(
        reverse("api:case-facts", args=[case_with_facts.id]), raw, content_type="application/json"
    )
    body = _assert_error_shape(response)
    assert list(body["errors"]) == [""]


@pytest.mark.parametrize("raw", ["{bad", "[1, 2]", '"text"', "null"])
@pytest.mark.parametrize("url_name", ["api:case-list", "api:patient-list", "api:meeting-list"])
def test_post_body_that_is_not_an_object(coordinator_client, url_name, raw):
    response = coordinator_client.post(reverse(url_name), raw, content_type="application/json")
    body = _assert_error_shape(response)
    assert list(body["errors"]) == [""]


def test_referral_facts_that_are_not_an_object_are_named(coordinator_client):
    payload = referral_payload(example(VALID_NAME))
    payload["facts"] = [payload["facts"]]
    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")
    assert set(_assert_error_shape(response)["errors"]) == {"facts"}


def test_form_encoded_body_is_refused_with_415(coordinator_client):
    response = coordinator_client.post(reverse("api:patient-list"), PATIENT, format="multipart")
    _assert_error_shape(response, status=415)


def test_nan_in_a_number_field_names_the_field_on_put(coordinator_client, case_with_facts):
    raw = json.dumps(example(VALID_NAME)).replace('"flr_percent": 65', '"flr_percent": NaN')
    assert "NaN" in raw
    response = coordinator_client.put(
        reverse("api:case-facts", args=[case_with_facts.id]),
        raw,
        content_type="application/json",
    )
    assert list(_assert_error_shape(response)["errors"]) == ["liver.flr_percent"]


def test_empty_put_facts_body_lists_the_required_fields(coordinator_client, case_with_facts):
    response = coordinator_client.put(
        reverse("api:case-facts", args=[case_with_facts.id]), "", content_type="application/json"
    )
    errors = _assert_error_shape(response)["errors"]
    assert {"patient.age", "primary.site", "liver.lesions"} <= set(errors)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_number_in_referral_names_the_field(coordinator_client, constant):
    raw = json.dumps(referral_payload(example(VALID_NAME), mrn="NAN-1"))
    raw = raw.replace('"flr_percent": 65', f'"flr_percent": {constant}')
    assert constant in raw
    response = coordinator_client.post(
        reverse("api:case-list"), raw, content_type="application/json"
    )
    assert list(_assert_error_shape(response)["errors"]) == ["facts.liver.flr_percent"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity"])
def test_non_finite_number_in_referral_is_400_naming_the_field(coordinator_client, constant):
    raw = json.dumps(referral_payload(example(VALID_NAME), mrn="NAN-2"))
    raw = raw.replace('"flr_percent": 65', f'"flr_percent": {constant}')
    response = coordinator_client.post(
        reverse("api:case-list"), raw, content_type="application/json"
    )
    assert "facts.liver.flr_percent" in _assert_error_shape(response)["errors"]


def test_unknown_field_is_refused_not_ignored(coordinator_client):
    response = coordinator_client.post(
        reverse("api:patient-list"), {**PATIENT, "nhs_numbr": "1"}, format="json"
    )
    assert _assert_error_shape(response)["errors"] == {"nhs_numbr": ["Unknown field."]}


@pytest.mark.parametrize(
    ("url_name", "body", "field"),
    [
        ("api:case-list", {"question": "Q?", "patient_id": None, "urgent": True}, "urgent"),
        ("api:meeting-list", {"scheduled_for": "2031-01-07T08:00:00Z", "room": "2"}, "room"),
    ],
)
def test_unknown_field_is_refused_on_other_endpoints(coordinator_client, url_name, body, field):
    response = coordinator_client.post(reverse(url_name), body, format="json")
    assert field in _assert_error_shape(response)["errors"]


@pytest.mark.parametrize(("key"), ["²", "1", "0"])
def test_unknown_digit_like_field_names_are_reported_as_given(coordinator_client, key):
    response = coordinator_client.post(reverse("api:patient-list"), {key: "x"}, format="json")
    assert _assert_error_shape(response)["errors"][key] == ["Unknown field."]


@pytest.mark.parametrize(
    ("url_name", "params", "field"),
    [
        ("api:case-list", {"status": "bogus"}, "status"),
        ("api:case-list", {"meeting": "not-a-uuid"}, "meeting"),
        ("api:case-list", {"patient": "x"}, "patient"),
        ("api:case-list", {"referred_after": "yesterday"}, "referred_after"),
        ("api:patient-list", {"birth_date": "1966-02-30"}, "birth_date"),
        ("api:patient-list", {"sex": "f"}, "sex"),
        ("api:lesion-list", {"segment": "IV"}, "segment"),
        ("api:lesion-list", {"case": "x"}, "case"),
        ("api:imaging-study-list", {"modality": "xray"}, "modality"),
        ("api:meeting-list", {"scheduled_after": "soon"}, "scheduled_after"),
        ("api:meeting-list", {"status": "bogus"}, "status"),
    ],
)
def test_bad_filter_value_is_400_naming_the_filter(coordinator_client, url_name, params, field):
    response = coordinator_client.get(reverse(url_name), params)
    assert list(_assert_error_shape(response)["errors"]) == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"segment": 9, "size_mm": 10}, "segment"),
        ({"segment": 0, "size_mm": 10}, "segment"),
        ({"segment": 2.5, "size_mm": 10}, "segment"),
        ({"segment": True, "size_mm": 10}, "segment"),
        ({"segment": "IV", "size_mm": 10}, "segment"),
        ({"segment": 2, "size_mm": 0}, "size_mm"),
        ({"segment": 2, "size_mm": -3}, "size_mm"),
        ({"segment": 2, "size_mm": 300.5}, "size_mm"),
        ({"segment": 2, "size_mm": True}, "size_mm"),
        ({"segment": 2, "size_mm": "abc"}, "size_mm"),
        ({"segment": 2, "size_mm": None}, "size_mm"),
        ({"segment": 2}, "size_mm"),
        ({"segment": 2, "size_mm": 10, "peribiliary": 1}, "peribiliary"),
        ({"segment": 2, "size_mm": 10, "position": 4}, "position"),
    ],
)
def test_lesion_bad_values_name_the_field(coordinator_client, case_with_facts, body, field):
    response = coordinator_client.post(
        reverse("api:lesion-list"), {"case": str(case_with_facts.id), **body}, format="json"
    )
    assert list(_assert_error_shape(response)["errors"]) == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"segment": 9}, "segment"), ({"size_mm": 0}, "size_mm"), ({"size_mm": True}, "size_mm")],
)
def test_lesion_patch_bad_values_name_the_field(coordinator_client, case_with_facts, body, field):
    lesion = case_with_facts.liver_lesions.first()
    response = coordinator_client.patch(
        reverse("api:lesion-detail", args=[lesion.id]), body, format="json"
    )
    assert list(_assert_error_shape(response)["errors"]) == [field]


@pytest.mark.parametrize("technique", ["hepatospecific_contrast", "diffusion_weighted"])
def test_mri_technique_on_ct_is_400_not_500(coordinator_client, hospital, technique):
    case = CaseFactory(patient__hospital=hospital)
    response = coordinator_client.post(
        reverse("api:imaging-study-list"),
        {"case": str(case.id), "modality": "ct", "performed_on": "2026-10-01", technique: True},
        format="json",
    )
    body = _assert_error_shape(response)
    assert "MRI" in json.dumps(body)
    assert not case.imaging_studies.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", "2999-01-01"),
        ("birth_date", "1966-02-30"),
        ("birth_date", "1850-01-01"),
        ("sex", "f"),
        ("mrn", ""),
        ("mrn", "   "),
        ("given_name", ""),
        ("family_name", "x" * 101),
    ],
)
def test_patient_bad_identity_is_400(coordinator_client, field, value):
    response = coordinator_client.post(
        reverse("api:patient-list"), {**PATIENT, field: value}, format="json"
    )
    assert list(_assert_error_shape(response)["errors"]) == [field]


def test_referral_future_birth_date_is_400(coordinator_client):
    payload = referral_payload(example(VALID_NAME), mrn="FUT-1")
    payload["patient"]["birth_date"] = "2999-01-01"
    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")
    assert "patient.birth_date" in _assert_error_shape(response)["errors"]


def test_duplicate_mrn_is_400(coordinator_client):
    created = coordinator_client.post(reverse("api:patient-list"), PATIENT, format="json")
    assert created.status_code == 201
    for mrn in (PATIENT["mrn"], f"  {PATIENT['mrn']} "):
        response = coordinator_client.post(
            reverse("api:patient-list"), {**PATIENT, "mrn": mrn}, format="json"
        )
        assert list(_assert_error_shape(response)["errors"]) == ["mrn"]


def test_patient_patch_to_a_taken_mrn_is_400(coordinator_client, hospital):
    taken = PatientFactory(hospital=hospital)
    patient = PatientFactory(hospital=hospital)
    response = coordinator_client.patch(
        reverse("api:patient-detail", args=[patient.id]), {"mrn": taken.mrn}, format="json"
    )
    assert list(_assert_error_shape(response)["errors"]) == ["mrn"]


def test_manual_status_that_belongs_to_meetings_is_refused(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital)
    for status in ("discussed", "scheduled"):
        response = coordinator_client.patch(
            reverse("api:case-detail", args=[case.id]), {"status": status}, format="json"
        )
        assert list(_assert_error_shape(response)["errors"]) == ["status"]


def test_free_text_is_escaped_on_the_home_page(client, coordinator, hospital):
    CaseFactory(
        patient__hospital=hospital,
        question="<script>alert(1)</script>",
        patient__given_name="<b>x</b>",
        patient__mrn='"><img src=x onerror=alert(2)>',
    )
    client.force_login(coordinator)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<img src=x" not in page


@pytest.mark.parametrize("chair", ["nul\x00byte", 42, "x" * 500])
def test_meeting_chair_that_cannot_be_a_username_is_400(coordinator_client, chair):
    response = coordinator_client.post(
        reverse("api:meeting-list"),
        {"scheduled_for": "2031-01-07T08:00:00Z", "chair": chair},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["chair"]
