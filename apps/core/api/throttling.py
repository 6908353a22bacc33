"""Throttles of the token endpoint, counted in the shared cache (Redis, or the database), so that
every worker of every server counts the same requests.

One counts per client address (client_address: X-Forwarded-For only from trusted proxies), one
per username whatever the address, so rotating either does not reset the count. The rates are
read on each request (DEFAULT_THROTTLE_RATES), not when the class is defined."""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from apps.core.client_address import client_address


class _LoginThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def identity(self, request: Any) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.method != "POST":
            return None  # revoking a token is not a login
        ident = self.identity(request)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginAddressThrottle(_LoginThrottle):
    scope = "login"

    def identity(self, request: Any) -> str | None:
        return client_address(request)


class LoginUsernameThrottle(_LoginThrottle):
    scope = "login_username"

    def identity(self, request: Any) -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, dict) else None
        if not isinstance(username, str) or not username.strip():
            return None
        # Hashed: the cache key then holds no username, and any text makes a valid key.
        normalized = username.strip().casefold().encode("utf-8", "backslashreplace")
        return hashlib.sha256(normalized).hexdigest()
