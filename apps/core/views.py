"""Error pages that are not any app's: the API's 404 for addresses it does not have, and the
server-error handler that turns a database outage into 503 wherever it was raised."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.views import defaults

from .middleware import api_error, is_api_request, outage_response
from .outage import is_database_outage
from .tokens import LOCKED_OUT

API_NOT_FOUND = "api-not-found"


def api_not_found(request: HttpRequest, unmatched: str = "") -> HttpResponse:
    """Every API address no route matches (`/api/v1/cases/0.5/facts/`) answers 404 in the API's
    error shape, never Django's HTML page. A GET that only lacks its trailing slash is
    redirected, as Django's APPEND_SLASH did before this catch-all matched everything."""
    path = request.path_info
    if request.method in ("GET", "HEAD") and not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != API_NOT_FOUND:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return api_error("Not found.", 404)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, where browsers look when a page's own icon link was not kept: the SVG.
    Resolved per request, so that the manifest of collected static files is only read then."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the exception being handled decides. A database outage raised outside a
    view (a session read in middleware) is a 503 too; the API answers JSON."""
    if is_database_outage(sys.exc_info()[1]):
        return outage_response(request)
    if is_api_request(request):
        return api_error("Server error: it has been logged.", 500)
    return defaults.server_error(request)


def login_locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a login refused by the lockout: 429 with a page that says why
    and what to do (the login page, /admin/), or the API's error shape (the token endpoint)."""
    if is_api_request(request):
        return api_error(LOCKED_OUT, 429, {"": [LOCKED_OUT]})
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
