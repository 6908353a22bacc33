"""Middleware for what every answer needs, whichever view gives it:

- ApiBodyLimitMiddleware: an API body larger than the limit is refused with 413 in the API's
  error shape before anything reads it (Django's own check would answer a bare HTML 400).
- ServiceUnavailableMiddleware: a database that cannot be reached answers 503 with Retry-After,
  JSON under /api/, a styled page elsewhere, instead of a server error.
- NoStoreMiddleware: nothing a view answers is kept by a browser or a proxy cache (pages and API
  answers hold patient data); static files are served before it and keep their caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from .outage import OUTAGE_MESSAGE, RETRY_AFTER_SECONDS, is_database_outage

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(
    message: str, status: int, errors: dict[str, list[str]] | None = None
) -> JsonResponse:
    """The API's error shape, for answers given outside a DRF view."""
    return JsonResponse({"message": message, "errors": errors or {}}, status=status)


def body_too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request body is larger than the limit of {limit / 1024 / 1024:.1f} MB."


def outage_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, the "temporarily unavailable" page otherwise
    (rendered without the request, so without the context processors that would read the
    user and their roles from the database)."""
    if is_api_request(request):
        response: HttpResponse = api_error(OUTAGE_MESSAGE, 503)
    else:
        page = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


class ApiBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and is_api_request(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                message = body_too_large_message()
                return api_error(message, 413, {"": [message]})
        return self.get_response(request)


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            return outage_response(request)
        return None


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
