"""The JWT an EHR signs (CDS Hooks 2.0 "Trusting CDS Clients"): a valid token passes; a wrong
key, an expired or too long-lived token, a replayed jti, an unknown or inactive issuer, a wrong
audience, a missing claim or a symmetric algorithm are refused with 401 in the error shape."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from apps.cdshooks.client import public_jwk, sign_token
from apps.cdshooks.models import CdsClient
from apps.cdshooks.tokens import service_url

from .conftest import hook_body, hook_url, post

pytestmark = pytest.mark.django_db


def _refused(response) -> str:
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"message", "errors"}
    assert response["WWW-Authenticate"].startswith("Bearer")
    return response.json()["message"]


def test_a_valid_token_passes(call_hook):
    assert call_hook().status_code == 200


def test_no_token_is_401():
    _refused(post(hook_url(), hook_body(), None))


def test_a_session_or_api_token_does_not_authenticate(client_for, coordinator):
    response = client_for(coordinator, token=True).post(hook_url(), hook_body(), format="json")
    _refused(response)


def test_a_token_signed_by_another_key_is_401(call_hook, other_key_pair):
    assert "signature" in _refused(call_hook(private_key_pem=other_key_pair[0]))


def test_an_expired_token_is_401(call_hook):
    assert "expired" in _refused(call_hook(lifetime_seconds=-120))


def test_a_token_living_over_five_minutes_is_401(call_hook):
    assert "5 minutes" in _refused(call_hook(lifetime_seconds=3600))


def test_a_token_issued_in_the_future_is_401(call_hook):
    _refused(call_hook(iat=int(time.time()) + 600, lifetime_seconds=60))


def test_a_replayed_jti_is_401(sign):
    token = sign()
    assert post(hook_url(), hook_body(), token).status_code == 200
    assert "already used" in _refused(post(hook_url(), hook_body(), token))


def test_an_unknown_issuer_is_401(call_hook):
    assert "issuer" in _refused(call_hook(issuer="https://unknown.example.org"))


def test_an_inactive_client_is_401(call_hook, ehr):
    ehr.active = False
    ehr.save()
    assert "issuer" in _refused(call_hook())


def test_a_wrong_audience_is_401(call_hook):
    assert "aud" in _refused(call_hook(audience="https://elsewhere.example.org/cds-services/x"))


def test_a_missing_claim_is_401(ehr, key_pair):
    now = int(time.time())
    token = jwt.encode(
        {"iss": ehr.issuer, "aud": service_url(), "iat": now, "exp": now + 60, "sub": ehr.issuer},
        key_pair[0],
        algorithm="ES384",
    )
    assert "jti" in _refused(post(hook_url(), hook_body(), token))


def test_a_symmetric_or_unsigned_token_is_401(ehr):
    now = int(time.time())
    claims = {
        "iss": ehr.issuer,
        "sub": ehr.issuer,
        "aud": service_url(),
        "iat": now,
        "exp": now + 60,
        "jti": "x",
    }
    for token in (
        jwt.encode(
            claims, "a shared secret long enough for hs384 ..................", algorithm="HS384"
        ),
        jwt.encode(claims, None, algorithm="none"),
        "not-a-jwt",
    ):
        _refused(post(hook_url(), hook_body(), token))


def test_an_algorithm_not_allowed_for_the_client_is_401(ehr):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    token = sign_token(
        issuer=ehr.issuer, private_key_pem=pem, audience=service_url(), algorithm="RS384"
    )
    assert "not allowed" in _refused(post(hook_url(), hook_body(), token))


def test_rs384_with_a_jwks_chosen_by_kid(hospital, key_pair):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()

    jwks = {"keys": [public_jwk(pem), public_jwk(key_pair[0])]}
    client = CdsClient.objects.create(
        name="RSA EHR",
        issuer="https://rsa.example.org",
        public_key=json.dumps(jwks),
        accepts_rs384=True,
        accepts_es384=True,
        hospital=hospital,
    )
    for private_pem, algorithm in ((pem, "RS384"), (key_pair[0], "ES384")):
        token = sign_token(
            issuer=client.issuer,
            private_key_pem=private_pem,
            audience=service_url(),
            algorithm=algorithm,
        )
        assert post(hook_url(), hook_body(), token).status_code == 200


def test_a_client_key_that_does_not_load_is_refused_by_validation(hospital):
    from django.core.exceptions import ValidationError

    client = CdsClient(
        name="Bad", issuer="https://bad.example.org", public_key="nope", hospital=hospital
    )
    with pytest.raises(ValidationError) as refused:
        client.full_clean()
    assert "public_key" in refused.value.message_dict


def test_discovery_needs_no_token_and_spends_none(sign):
    from rest_framework.test import APIClient

    token = sign()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/cds-services").status_code == 200
    assert post(hook_url(), hook_body(), token).status_code == 200
