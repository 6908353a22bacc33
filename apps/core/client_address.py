"""The client's address, one way for the login lockout (django-axes) and the token throttles.

X-Forwarded-For is whatever the client wrote, except for the entries the service's own proxies
appended: with NUM_PROXIES trusted proxies in front, the address is the NUM_PROXIES-th entry from
the right (the one the outermost trusted proxy saw); with none, the connection's own address."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def client_address(request: Any) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))][:100]
    return remote


def login_attempt_str(
    username: Any, ip_address: Any, user_agent: Any, path_info: Any, request: Any
) -> str:
    """How django-axes names an attempt in the log: only where it was made. The username and
    address are in its database records (the admin shows them), not in log files."""
    return f"a login attempt at {path_info}"
