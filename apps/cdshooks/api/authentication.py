"""DRF authentication and permission of the CDS endpoints: the caller is an EHR proving itself
with a signed JWT (CDS Hooks 2.0), not a user with a session or an API token.

No session is read, so no CSRF check is needed: a browser's cookies authenticate nothing here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ..models import CdsClient
from ..tokens import TokenRefused, verify_client_token


class CdsClientJwtAuthentication(BaseAuthentication):
    """`Authorization: Bearer <JWT>` signed by a configured client: `request.auth` is the
    CdsClient, `request.user` anonymous (no staff member is behind the call)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, CdsClient] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("The Authorization header must be 'Bearer <JWT>'.")
        try:
            client = verify_client_token(parts[1].decode("ascii"))
        except UnicodeDecodeError:
            raise AuthenticationFailed("The bearer token is not a JWT.") from None
        except TokenRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
        return AnonymousUser(), client

    def authenticate_header(self, request: Request) -> str:
        # Present, so that DRF answers 401 (not 403) to a request without a valid token.
        return 'Bearer realm="cds-services"'


class IsCdsClient(BasePermission):
    message = "A CDS client's signed JWT is required (Authorization: Bearer <JWT>)."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, CdsClient)
