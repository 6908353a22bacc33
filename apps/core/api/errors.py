"""One error shape for every 4xx answer of the API:

    {"message": "...", "errors": {"field.path": ["..."]}}

Paths are dotted, list items indexed from 0 (`facts.liver.lesions[1].segment`); errors about the
whole body are under "".
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.exceptions import ApplicationError
from apps.core.outage import OUTAGE_MESSAGE, RETRY_AFTER_SECONDS, is_database_outage

from .parsers import MalformedBody

_WHOLE_BODY_KEYS = {"non_field_errors", "__all__"}


def join_path(prefix: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into {path: [messages]}."""
    flat: dict[str, list[str]] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                # DRF keys list items by int index; string keys are field names, even "1".
                child = path if key in _WHOLE_BODY_KEYS else join_path(path, key)
                walk(value, child)
        elif isinstance(node, list | tuple):
            if all(not isinstance(item, dict | list | tuple) for item in node):
                messages = [str(item) for item in node]
                if messages:
                    flat.setdefault(path, []).extend(messages)
            else:
                for index, item in enumerate(node):
                    if item:
                        walk(item, join_path(path, index))
        elif node is not None:
            flat.setdefault(path, []).append(str(node))

    walk(detail, prefix)
    return flat


def error_response(
    message: str, errors: dict[str, list[str]] | None = None, status_code: int = 400, **kw: Any
) -> Response:
    return Response({"message": message, "errors": errors or {}}, status=status_code, **kw)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        response = error_response(exc.message, exc.errors, exc.status)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if is_database_outage(exc):
        return error_response(
            OUTAGE_MESSAGE, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return error_response("Invalid input.", flatten_errors(detail))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let it surface as a 500 and be fixed

    if isinstance(exc, MalformedBody):
        response.data = {"message": str(exc.detail), "errors": exc.errors}
    elif isinstance(exc, exceptions.ValidationError):
        response.data = {
            "message": "Invalid input: see the errors for each field.",
            "errors": flatten_errors(exc.detail),
        }
    elif isinstance(exc, exceptions.ParseError):
        response.data = {
            "message": "The request body is not valid JSON.",
            "errors": {"": [str(exc.detail)]},
        }
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else "Request refused."
        response.data = {"message": message, "errors": {}}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response
