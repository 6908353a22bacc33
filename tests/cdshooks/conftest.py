"""Fixtures of the CDS Hooks tests: a client (EHR) with an ES384 key pair, and helpers that sign
and send requests as that EHR does."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.cdshooks.client import patient_view_request, prefetch_for_case, sign_token
from apps.cdshooks.keys import generate_es384_key_pair
from apps.cdshooks.models import CdsClient
from apps.cdshooks.tokens import SERVICE_ID, service_url
from tests.conftest import example

SOLITARY = "solitary-metachronous-low-risk"


@pytest.fixture(scope="session")
def key_pair() -> tuple[str, str]:
    return generate_es384_key_pair()


@pytest.fixture(scope="session")
def other_key_pair() -> tuple[str, str]:
    return generate_es384_key_pair()


@pytest.fixture
def ehr(hospital, key_pair) -> CdsClient:
    return CdsClient.objects.create(
        name="Test EHR (fictional)",
        issuer="https://ehr.example.org",
        public_key=key_pair[1],
        hospital=hospital,
    )


@pytest.fixture
def sign(ehr, key_pair):
    def make(**claims: Any) -> str:
        claims.setdefault("issuer", ehr.issuer)
        claims.setdefault("private_key_pem", key_pair[0])
        claims.setdefault("audience", service_url())
        return sign_token(**claims)

    return make


def hook_url() -> str:
    return reverse("cdshooks:service", kwargs={"service_id": SERVICE_ID})


def feedback_url() -> str:
    return reverse("cdshooks:feedback", kwargs={"service_id": SERVICE_ID})


def post(url: str, body: Any, token: str | None) -> Any:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.post(url, body, format="json")


def hook_body(case: dict | None = None, *, mrn: str = "MRN-NONE") -> dict[str, Any]:
    prefetch = prefetch_for_case(case or example(SOLITARY), patient_id="p1", mrn=mrn)
    return patient_view_request(patient_id="p1", prefetch=prefetch)


@pytest.fixture
def call_hook(sign):
    def call(body: Any = None, **claims: Any) -> Any:
        return post(hook_url(), hook_body() if body is None else body, sign(**claims))

    return call


@pytest.fixture
def send_feedback(sign):
    def send(entries: list[dict[str, Any]]) -> Any:
        return post(feedback_url(), {"feedback": entries}, sign())

    return send


def feedback_entry(card: str, outcome: str = "accepted", **extra: Any) -> dict[str, Any]:
    return {
        "card": card,
        "outcome": outcome,
        "outcomeTimestamp": "2026-12-01T10:00:00Z",
        **extra,
    }


def new_uuid() -> str:
    return str(uuid.uuid4())
