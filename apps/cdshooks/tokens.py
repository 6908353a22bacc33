"""Verifying the JWT an EHR sends with each CDS Hooks request (CDS Hooks 2.0, "Trusting CDS
Clients"): `Authorization: Bearer <JWT>`, signed by the client's private key (ES384 or RS384),
with `iss` (the client), `sub`, `aud` (this service's URL), `exp` (at most five minutes ahead),
`iat` and `jti` (single use), and `kid` in the header naming the key.

Each failure says what was wrong, for the EHR's integrator: an issuer is public (it is in every
token), so saying that one is unknown gives nothing away.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from .choices import SigningAlgorithm
from .keys import load_public_keys
from .models import CdsClient

# The specification: "The maximum time for the JWT to be valid is 5 minutes in the future."
MAX_LIFETIME_SECONDS = 300
# Clocks differ a little between an EHR and this server.
LEEWAY_SECONDS = 30
REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti"]
SERVICE_ID = "crlm-pathway"


class TokenRefused(Exception):
    """The request's JWT cannot be trusted: the message says why."""


def service_url() -> str:
    """The `aud` every token must name: this service's own URL (settings.CDS_HOOKS_SERVICE_URL,
    else SITE_URL followed by the service's path)."""
    configured = getattr(settings, "CDS_HOOKS_SERVICE_URL", "")
    if configured:
        return str(configured)
    path = reverse("cdshooks:service", kwargs={"service_id": SERVICE_ID})
    return settings.SITE_URL.rstrip("/") + path.rstrip("/")


def verify_client_token(token: str, *, audience: str | None = None) -> CdsClient:
    """The active client that signed `token`, once all its claims hold; raises TokenRefused.

    The token's `jti` is spent here: the same token presented again is refused until it
    expires (remembered in the cache for that long)."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRefused("The bearer token is not a JWT.") from None
    algorithm = header.get("alg")
    if algorithm not in SigningAlgorithm.values:
        raise TokenRefused("The JWT must be signed with ES384 or RS384.")
    issuer = unverified.get("iss")
    client = (
        CdsClient.objects.filter(issuer=issuer, active=True).first()
        if isinstance(issuer, str)
        else None
    )
    if client is None:
        raise TokenRefused("Unknown or inactive issuer (iss).")
    if algorithm not in client.algorithms:
        raise TokenRefused(f"{algorithm} is not allowed for this client.")
    key = _client_key(client, header.get("kid"))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=audience or service_url(),
            issuer=client.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRefused("The JWT has expired (exp).") from None
    except jwt.InvalidAudienceError:
        raise TokenRefused(
            f"The JWT's audience (aud) must be {audience or service_url()}."
        ) from None
    except jwt.MissingRequiredClaimError as error:
        raise TokenRefused(f"The JWT lacks the {error.claim} claim.") from None
    except jwt.InvalidSignatureError:
        raise TokenRefused("The JWT's signature does not match the client's key.") from None
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        # A key of the wrong type for the algorithm ends up here as well as a malformed claim.
        raise TokenRefused(f"The JWT is not valid: {error}") from None
    now = time.time()
    expires = _number(claims.get("exp"))
    if expires - now > MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
        raise TokenRefused("The JWT must expire within 5 minutes (exp).")
    if expires - _number(claims.get("iat")) > MAX_LIFETIME_SECONDS:
        raise TokenRefused("The JWT's lifetime (exp - iat) must be at most 5 minutes.")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 200:
        raise TokenRefused("The JWT's jti must be a non-empty string.")
    # cache.add writes only when the key is absent, atomically (Redis SET NX, or the database
    # cache's insert): of two requests racing with one token, one wins.
    remembered_for = int(expires - now) + LEEWAY_SECONDS + 1
    if not cache.add(f"cdshooks:jti:{client.pk}:{jti}", 1, timeout=remembered_for):
        raise TokenRefused("This JWT was already used (jti): sign a new one for each request.")
    return client


def _client_key(client: CdsClient, kid: Any) -> Any:
    try:
        keys = load_public_keys(client.public_key)
    except ValueError:
        raise TokenRefused("The client's configured key is not usable.") from None
    if len(keys) == 1:
        return next(iter(keys.values()))
    if isinstance(kid, str) and kid in keys:
        return keys[kid]
    raise TokenRefused("No configured key matches the JWT's kid.")


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TokenRefused("The JWT's exp and iat must be numbers.") from None
