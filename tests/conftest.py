"""Shared fixtures: hospitals, users of every role, API clients, the pathway examples.

`ALLOWED_HOSTS` needs no change: pytest-django's test environment adds "testserver", the host the
test clients send.
"""

import json
import os
from copy import deepcopy
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from tests.factories import PASSWORD, HospitalFactory, UserFactory, birth_date_for_age

# CI replays the same generated examples on every run (a landing must not depend on luck);
# on a developer's machine, Hypothesis explores new ones each time.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

SHARED_DIR = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
EXAMPLES_DIR = SHARED_DIR / "pathways" / "examples"
ROLES = ("coordinator", "clinician", "viewer")


def _load(folder: Path) -> list[tuple[str, dict]]:
    return [(path.stem, json.loads(path.read_text())) for path in sorted(folder.glob("*.json"))]


# Module-level so that tests can parametrize over them; the fixtures below hand out copies.
EXAMPLES = _load(EXAMPLES_DIR)
INVALID_EXAMPLES = _load(EXAMPLES_DIR / "invalid")
assert EXAMPLES and INVALID_EXAMPLES, f"no pathway examples under {EXAMPLES_DIR}"
# The examples of crlm-2027.1 (the current version); EXAMPLES are crlm-2026.1's.
EXAMPLES_2027_DIR = SHARED_DIR / "pathways" / "crlm-2027.1" / "examples"
EXAMPLES_2027 = _load(EXAMPLES_2027_DIR)
INVALID_EXAMPLES_2027 = _load(EXAMPLES_2027_DIR / "invalid")
assert EXAMPLES_2027 and INVALID_EXAMPLES_2027, f"no examples under {EXAMPLES_2027_DIR}"


def example(name: str) -> dict:
    """A copy of the named example's case (the SPEC input): tests may change it freely. The
    crlm-2026.1 examples first, then crlm-2027.1's (their names differ)."""
    found = dict(EXAMPLES).get(name) or dict(EXAMPLES_2027)[name]
    return deepcopy(found["case"])


@pytest.fixture
def examples() -> list[tuple[str, dict]]:
    """(name, case) for every valid example of the shared folder."""
    return [(name, deepcopy(document["case"])) for name, document in EXAMPLES]


@pytest.fixture
def invalid_examples() -> list[tuple[str, dict, list[str]]]:
    """(name, case, error paths) for every invalid example of the shared folder."""
    return [
        (name, deepcopy(document["case"]), list(document["errors"]))
        for name, document in INVALID_EXAMPLES
    ]


@pytest.fixture
def hospital(db):
    return HospitalFactory()


@pytest.fixture
def other_hospital(db):
    return HospitalFactory()


@pytest.fixture
def make_user(hospital):
    """make_user(role, specialty=..., hospital=...): a staff member of `hospital` (default: the
    `hospital` fixture). role=None gives no group; hospital=False gives no staff profile."""
    default_hospital = hospital

    def make(role: str | None, *, specialty: str = "other", hospital=None, **kwargs):
        if hospital is None:
            hospital = default_hospital
        return UserFactory(role=role, hospital=hospital, hospital__specialty=specialty, **kwargs)

    return make


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", specialty="coordinator")


@pytest.fixture
def clinician(make_user):
    return make_user("clinician", specialty="liver_surgeon")


@pytest.fixture
def viewer(make_user):
    return make_user("viewer", specialty="radiologist")


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous API client."""
    return APIClient()


def obtain_token(user, password: str = PASSWORD) -> str:
    response = APIClient().post(
        reverse("api:auth-token"),
        {"username": user.get_username(), "password": password},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def client_for(db):
    """client_for(user): an API client logged in as `user` (None: anonymous). With token=True it
    logs in the way a real client does, through the token endpoint."""

    def make(user, *, token: bool = False) -> APIClient:
        client = APIClient()
        if user is not None:
            if token:
                client.credentials(HTTP_AUTHORIZATION=f"Token {obtain_token(user)}")
            else:
                client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def coordinator_client(client_for, coordinator):
    return client_for(coordinator)


def referral_payload(
    case: dict, *, mrn: str = "REF-0001", question: str = "Resectable?", sex: str = "female"
) -> dict:
    """A whole referral whose patient's birth date gives the facts' age on today's date (the
    referral date when none is sent). The case is copied, so the payload may be changed."""
    born = birth_date_for_age(case["patient"]["age"], timezone.localdate())
    return {
        "patient": {
            "mrn": mrn,
            "given_name": "Fictional",
            "family_name": "Referral",
            "birth_date": born.isoformat(),
            "sex": sex,
        },
        "question": question,
        "facts": deepcopy(case),
    }
