"""The management commands a hospital uses to try the service: making a client's key pair, and
the test client (its request built by the same module, sent here through the test client)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from apps.cdshooks.client import patient_view_request, prefetch_for_case, sign_token
from apps.cdshooks.models import CdsClient
from apps.cdshooks.tokens import service_url
from tests.conftest import example
from tests.factories import CaseFactory

from .conftest import SOLITARY, hook_url, post

pytestmark = pytest.mark.django_db


def test_client_keys_make_a_client_whose_private_key_signs_requests(hospital, tmp_path):
    key_file = tmp_path / "ehr.pem"
    out = io.StringIO()
    call_command(
        "cds_client_keys",
        "--name", "Demo EHR", "--issuer", "https://demo-ehr.example.org",
        "--hospital", hospital.code, "--out", str(key_file),
        stdout=out,
    )  # fmt: skip

    client = CdsClient.objects.get(issuer="https://demo-ehr.example.org")
    assert client.hospital == hospital and "BEGIN" not in client.public_key
    assert (key_file.stat().st_mode & 0o777) == 0o600
    case = CaseFactory(patient__hospital=hospital, facts=SOLITARY)
    prefetch = prefetch_for_case(example(SOLITARY), patient_id="p", mrn=case.patient.mrn)
    token = sign_token(
        issuer=client.issuer, private_key_pem=key_file.read_text(), audience=service_url()
    )

    response = post(hook_url(), patient_view_request(patient_id="p", prefetch=prefetch), token)

    assert response.status_code == 200
    assert response.json()["cards"][0]["links"][0]["type"] == "absolute"


def test_client_keys_refuse_an_unknown_hospital():
    with pytest.raises(CommandError):
        call_command("cds_client_keys", "--name", "x", "--issuer", "y", "--hospital", "nope")
