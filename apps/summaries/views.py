"""The meeting's printable summary: the "Printable summary" button (coordinators and clinicians)
and its status panel, which polls itself while the PDF is rendered and then shows the links.
The summary itself is rendered by a Celery task (tasks, generation)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role
from apps.meetings.models import Meeting
from apps.meetings.views.common import meeting_or_404, render_page, require_role

from .selectors import summary_latest, summary_status
from .services import summary_request

TEMPLATE = "summaries/summary.html"
IN_FLIGHT = {"pending", "running"}
ANNOUNCEMENTS = {
    "pending": "Summary requested: waiting for a worker.",
    "running": "The summary is being rendered.",
    "ready": "The summary is ready to download.",
    "failed": "The summary could not be made.",
    "stuck": "The summary has stopped: try again.",
}


def summary_context(
    request: HttpRequest, meeting: Meeting, *, error: ApplicationError | None = None
) -> dict[str, Any]:
    summary = summary_latest(meeting=meeting)
    status = summary_status(summary) if summary is not None else None
    # A stuck summary is shown as such, with the button, and not polled: nothing will move it.
    shown = None if status is None else ("stuck" if status["stuck"] else status["status"])
    # Announced only when the status differs from the one the page last showed (`seen`).
    seen = request.POST.get("seen") if request.method == "POST" else request.GET.get("seen")
    announce = ""
    if request.htmx and shown is not None and shown != seen:
        announce = ANNOUNCEMENTS.get(shown, "")
    return {
        "announce": announce,
        "meeting": meeting,
        "summary": status,
        "summary_shown": shown,
        "summary_polling": shown in IN_FLIGHT,
        "summary_error": error,
        "can_request_summary": has_role(request.user, Role.COORDINATOR, Role.CLINICIAN),
    }


def meeting_panel(request: HttpRequest, meeting: Meeting) -> SafeString:
    """The summary panel of the meeting page (registered with apps.meetings.views.panels)."""
    return render_to_string(
        "summaries/_meeting_panel.html", summary_context(request, meeting), request=request
    )


@login_required
@require_http_methods(["GET", "POST"])
def summary(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """GET: the status panel (a page of its own without htmx). POST: ask for the summary."""
    meeting = meeting_or_404(request, meeting_id)
    if request.method == "POST":
        require_role(request, Role.COORDINATOR, Role.CLINICIAN)
        try:
            summary_request(meeting=meeting, actor=request.user)
        except ApplicationError as error:
            context = summary_context(request, meeting, error=error)
            return render_page(request, TEMPLATE, "status", context, status=error.status)
        if not request.htmx:
            return redirect(reverse("summaries:summary", kwargs={"meeting_id": meeting.pk}))
    return render_page(request, TEMPLATE, "status", summary_context(request, meeting))
