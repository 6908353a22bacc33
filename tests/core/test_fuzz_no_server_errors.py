"""Whatever a client sends, the API answers with a 2xx or a 4xx in the one error shape: never a
500. Hypothesis generates arbitrary JSON bodies, valid bodies with one value replaced, and
arbitrary query strings, against every write and list endpoint."""

import json
from copy import deepcopy
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from apps.core.models import Hospital, StaffProfile
from tests.fuzzing import (
    FUZZ,
    assert_not_server_error,
    json_strategies,
    replace_value,
    value_paths,
)

SHARED = Path(django_settings.SHARED_DIR)
EXAMPLE = json.loads(
    (SHARED / "pathways" / "examples" / "bilobar-two-stage-primary-in-situ.json").read_text()
)["case"]

FIELD_NAMES = [
    "patient",
    "patient_id",
    "question",
    "facts",
    "mrn",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "status",
    "referred_on",
    "referring_clinician",
    "case",
    "study",
    "segment",
    "size_mm",
    "near_major_vessel",
    "modality",
    "performed_on",
    "hepatospecific_contrast",
    "title",
    "scheduled_for",
    "chair",
    "presenter",
    "location",
    "video_link",
    "liver",
    "lesions",
    "age",
    "ecog",
]
json_values, bodies = json_strategies(
    FIELD_NAMES,
    ["2026-01-01", "1966-13-45", "00000000-0000-0000-0000-000000000000", "\x00", "fit", "ct"],
)


@pytest.fixture
def world(db):
    hospital = Hospital.objects.create(name="Fuzz (fictional)", code="fuzz")
    user = User.objects.create_user(username="fuzzer", password="x-Fuzz-12345")
    user.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    StaffProfile.objects.create(user=user, hospital=hospital)
    client = APIClient()
    client.force_authenticate(user)
    age = EXAMPLE["patient"]["age"]
    today = date.today()
    birth = (
        date(today.year - age - 1, 12, 31)
        if (today.month, today.day) < (12, 31)
        else date(today.year - age, 12, 31)
    )
    referral = {
        "patient": {
            "mrn": "FZ-1",
            "given_name": "Fuzz",
            "family_name": "Fictional",
            "birth_date": birth.isoformat(),
            "sex": "unknown",
        },
        "question": "Fuzz?",
        "facts": EXAMPLE,
    }
    response = client.post(reverse("api:case-list"), referral, format="json")
    assert response.status_code == 201, response.data
    case_id = response.data["id"]
    lesion_id = client.get(reverse("api:lesion-list"), {"case": case_id}).data["results"][0]["id"]
    meeting = client.post(
        reverse("api:meeting-list"), {"scheduled_for": "2030-01-01T08:00:00Z"}, format="json"
    )
    assert meeting.status_code == 201, meeting.data
    return {
        "client": client,
        "case": case_id,
        "lesion": lesion_id,
        "meeting": meeting.data["id"],
        "referral": referral,
    }


def _targets(world):
    return [
        ("post", reverse("api:patient-list")),
        ("post", reverse("api:case-list")),
        ("patch", reverse("api:case-detail", args=[world["case"]])),
        ("put", reverse("api:case-facts", args=[world["case"]])),
        ("post", reverse("api:lesion-list")),
        ("patch", reverse("api:lesion-detail", args=[world["lesion"]])),
        ("post", reverse("api:imaging-study-list")),
        ("post", reverse("api:meeting-list")),
        ("patch", reverse("api:meeting-detail", args=[world["meeting"]])),
        ("post", reverse("api:meeting-agenda", args=[world["meeting"]])),
        ("post", reverse("api:auth-token")),
    ]


@FUZZ
@given(data=st.data())
def test_api_arbitrary_bodies_never_answer_500(world, data):
    client = world["client"]
    for method, url in _targets(world):
        body = data.draw(bodies)
        response = getattr(client, method)(
            url, json.dumps(body, allow_nan=True), content_type="application/json"
        )
        assert_not_server_error(response)


@FUZZ
@given(data=st.data())
def test_api_referral_with_one_value_replaced_never_answers_500(world, data):
    referral = deepcopy(world["referral"])
    referral["patient"]["mrn"] = data.draw(st.sampled_from(["FZ-1", "FZ-2"]))
    path = data.draw(st.sampled_from(list(value_paths(referral))))
    mutated = replace_value(referral, path, data.draw(json_values))
    response = world["client"].post(
        reverse("api:case-list"),
        json.dumps(mutated, allow_nan=True),
        content_type="application/json",
    )
    assert_not_server_error(response)
    facts_path = data.draw(st.sampled_from(list(value_paths(EXAMPLE))))
    response = world["client"].put(
        reverse("api:case-facts", args=[world["case"]]),
        json.dumps(replace_value(EXAMPLE, facts_path, data.draw(json_values)), allow_nan=True),
        content_type="application/json",
    )
    assert_not_server_error(response)


QUERY_KEYS = [
    "status",
    "mrn",
    "patient",
    "meeting",
    "referred_after",
    "ordering",
    "page",
    "page_size",
    "case",
    "study",
    "segment",
    "modality",
    "scheduled_after",
    "family_name",
    "birth_date",
    "sex",
]


@FUZZ
@given(data=st.data())
def test_api_arbitrary_query_strings_never_answer_500(world, data):
    client = world["client"]
    params = data.draw(
        st.dictionaries(st.sampled_from(QUERY_KEYS), st.text(max_size=20), max_size=4)
    )
    for name in ("patient-list", "case-list", "lesion-list", "imaging-study-list", "meeting-list"):
        response = client.get(reverse(f"api:{name}"), params)
        assert response.status_code < 500, (name, params, response.content[:300])
