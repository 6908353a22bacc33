"""What every meeting page shares: finding the meeting or agenda case the user may see (else 404),
refusing a write the user's role does not allow (403), and rendering a page or, for an htmx
request, one of its named partials."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role

from ..models import AgendaItem, Meeting
from ..selectors import agenda_item_get, meeting_get


def require_role(request: HttpRequest, *roles: str) -> None:
    """A write the user's role does not allow is a 403 (the page hides it; this enforces it)."""
    if not has_role(request.user, *roles):
        raise PermissionDenied("Your role does not allow this.")


def meeting_or_404(request: HttpRequest, meeting_id: Any) -> Meeting:
    try:
        return meeting_get(user=request.user, meeting_id=meeting_id)
    except ApplicationError as error:
        raise Http404(error.message) from error


def item_or_404(request: HttpRequest, meeting_id: Any, item_id: Any) -> AgendaItem:
    try:
        return agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
    except ApplicationError as error:
        raise Http404(error.message) from error


def render_page(
    request: HttpRequest,
    template: str,
    partial: str | None,
    context: dict[str, Any],
    *,
    status: int = 200,
    trigger: str | None = None,
) -> HttpResponse:
    """The whole page, or for an htmx request its partial `partial`. `trigger` names an
    HX-Trigger event other panels listen to (e.g. the quorum badge)."""
    name = f"{template}#{partial}" if partial and request.htmx else template
    response = render(request, name, context, status=status)
    if trigger:
        response["HX-Trigger"] = trigger
    return response
