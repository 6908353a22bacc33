"""Shared fixtures: hospitals, users of every role, API clients, the pathway examples."""

import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from tests.factories import HospitalFactory, UserFactory, birth_date_for_age

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


EXAMPLES = _load(EXAMPLES_DIR)
INVALID_EXAMPLES = _load(EXAMPLES_DIR / "invalid")


@pytest.fixture
def hospital(db):
    return HospitalFactory()


@pytest.fixture
def other_hospital(db):
    return HospitalFactory()


@pytest.fixture
def make_user(hospital):
    def make(role: str | None, *, hospital_=None, specialty: str = "other", **kwargs):
        return UserFactory(
            role=role, hospital=hospital_ or hospital, hospital__specialty=specialty, **kwargs
        )

    return make


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", specialty="coordinator")


@pytest.fixture
def clinician(make_user):
    return make_user("clinician", specialty="liver_surgeon")


@pytest.fixture
def viewer(make_user):
    return make_user("viewer")


@pytest.fixture
def client_for():
    """An API client logged in as `user` (None: anonymous)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def coordinator_client(client_for, coordinator):
    return client_for(coordinator)


def referral_payload(case: dict, *, mrn: str = "REF-0001", question: str = "Resectable?") -> dict:
    """A whole referral whose patient's birth date gives the facts' age today."""
    born = birth_date_for_age(case["patient"]["age"], date.today())
    return {
        "patient": {
            "mrn": mrn,
            "given_name": "Fictional",
            "family_name": "Referral",
            "birth_date": born.isoformat(),
            "sex": "female",
        },
        "question": question,
        "facts": case,
    }


def example(name: str) -> dict:
    return dict(EXAMPLES)[name]["case"]
