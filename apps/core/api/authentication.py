"""API token authentication: knox's hashed, expiring tokens sent as `Authorization: Token
<token>`, with what every request then needs loaded in the same query."""

from __future__ import annotations

from hmac import compare_digest
from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

INVALID = "Invalid token."
EXPIRED = "Token expired: obtain a new one (POST /api/v1/auth/token/)."


class HashedTokenAuthentication(TokenAuthentication):
    """knox's authentication, with the user's staff profile and hospital joined to the token
    lookup (every endpoint scopes by hospital), a token that is not ASCII refused as invalid
    rather than failing to decode, and no sweep of the user's other tokens on each request
    (expired ones go at their next use or their owner's next login)."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        digest = hash_token(text)
        candidates = AuthToken.objects.filter(
            token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user__staff_profile__hospital")
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
                auth_token.delete()
                raise exceptions.AuthenticationFailed(EXPIRED)
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(INVALID)
