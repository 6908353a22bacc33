"""Bad input gets a clear 400 naming the field that is wrong, never a 500; free text is escaped
wherever it is shown."""

import json

import pytest
from django.urls import reverse

from tests.conftest import INVALID_EXAMPLES, example, referral_payload
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

VALID = example("solitary-metachronous-low-risk")


@pytest.mark.parametrize(
    ("name", "document"), INVALID_EXAMPLES, ids=[n for n, _ in INVALID_EXAMPLES]
)
def test_invalid_example_via_referral_names_exactly_its_fields(coordinator_client, name, document):
    case = document["case"]
    payload = referral_payload(
        {**case, "patient": {**case["patient"], "age": case["patient"]["age"]}}
    )
    if not isinstance(case["patient"]["age"], int) or not 18 <= case["patient"]["age"] <= 110:
        payload["patient"]["birth_date"] = "1966-01-01"

    response = coordinator_client.post(reverse("api:case-list"), payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert set(body["errors"]) == {f"facts.{path}" for path in document["errors"]}


@pytest.mark.parametrize(
    ("name", "document"), INVALID_EXAMPLES, ids=[n for n, _ in INVALID_EXAMPLES]
)
def test_invalid_example_via_put_facts_names_exactly_its_fields(
    coordinator_client, hospital, name, document
):
    case = CaseFactory(patient__hospital=hospital, facts=VALID)

    response = coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), document["case"], format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(document["errors"])


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ("{bad json", ""),
        ("[1, 2]", ""),
        ('"text"', ""),
        ("null", ""),
    ],
)
def test_put_facts_body_that_is_not_an_object(coordinator_client, hospital, raw, path):
    case = CaseFactory(patient__hospital=hospital, facts=VALID)
    response = coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [path]


def test_nan_in_a_number_field_names_the_field(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital, facts=VALID)
    raw = json.dumps(VALID).replace('"flr_percent": 65', '"flr_percent": NaN')
    assert "NaN" in raw
    response = coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["liver.flr_percent"]


def test_unknown_field_is_refused_not_ignored(coordinator_client):
    response = coordinator_client.post(
        reverse("api:patient-list"),
        {
            "mrn": "U-1",
            "given_name": "A",
            "family_name": "B",
            "birth_date": "1970-01-01",
            "sex": "male",
            "nhs_numbr": "1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"nhs_numbr": ["Unknown field."]}


@pytest.mark.parametrize(
    ("url_name", "params", "field"),
    [
        ("case-list", {"status": "bogus"}, "status"),
        ("case-list", {"meeting": "not-a-uuid"}, "meeting"),
        ("case-list", {"patient": "x"}, "patient"),
        ("case-list", {"referred_after": "yesterday"}, "referred_after"),
        ("lesion-list", {"segment": "IV"}, "segment"),
        ("meeting-list", {"scheduled_after": "soon"}, "scheduled_after"),
    ],
)
def test_bad_filter_value_is_400_naming_the_filter(coordinator_client, url_name, params, field):
    response = coordinator_client.get(reverse(f"api:{url_name}"), params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"segment": 9, "size_mm": 10}, "segment"),
        ({"segment": 0, "size_mm": 10}, "segment"),
        ({"segment": 2.5, "size_mm": 10}, "segment"),
        ({"segment": True, "size_mm": 10}, "segment"),
        ({"segment": 2, "size_mm": 0}, "size_mm"),
        ({"segment": 2, "size_mm": 300.5}, "size_mm"),
        ({"segment": 2, "size_mm": True}, "size_mm"),
        ({"segment": 2, "size_mm": "abc"}, "size_mm"),
        ({"segment": 2, "size_mm": 10, "peribiliary": 1}, "peribiliary"),
    ],
)
def test_lesion_bad_values_name_the_field(coordinator_client, hospital, body, field):
    case = CaseFactory(patient__hospital=hospital, facts=VALID)
    response = coordinator_client.post(
        reverse("api:lesion-list"), {"case": str(case.id), **body}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_hepatospecific_contrast_on_ct_is_400(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital)
    response = coordinator_client.post(
        reverse("api:imaging-study-list"),
        {
            "case": str(case.id),
            "modality": "ct",
            "performed_on": "2026-10-01",
            "hepatospecific_contrast": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("birth_date", "2999-01-01"), ("birth_date", "1966-02-30"), ("sex", "f"), ("mrn", "")],
)
def test_patient_bad_identity_is_400(coordinator_client, field, value):
    body = {
        "mrn": "B-1",
        "given_name": "A",
        "family_name": "B",
        "birth_date": "1970-01-01",
        "sex": "male",
        field: value,
    }
    response = coordinator_client.post(reverse("api:patient-list"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_duplicate_mrn_is_400(coordinator_client):
    body = {
        "mrn": "DUP-1",
        "given_name": "A",
        "family_name": "B",
        "birth_date": "1970-01-01",
        "sex": "male",
    }
    assert (
        coordinator_client.post(reverse("api:patient-list"), body, format="json").status_code == 201
    )
    response = coordinator_client.post(reverse("api:patient-list"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["mrn"]


def test_manual_status_that_belongs_to_meetings_is_refused(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital)
    response = coordinator_client.patch(
        reverse("api:case-detail", args=[case.id]), {"status": "discussed"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_free_text_is_escaped_on_pages(client, coordinator, hospital):
    CaseFactory(
        patient__hospital=hospital,
        question="<script>alert(1)</script>",
        patient__given_name="<b>x</b>",
    )
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page


@pytest.mark.parametrize("key", ["²", "1", "0"])
def test_unknown_digit_like_field_names_are_reported_as_given(coordinator_client, key):
    response = coordinator_client.post(reverse("api:patient-list"), {key: "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][key] == ["Unknown field."]
