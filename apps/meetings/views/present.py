"""Presentation mode: the meeting's projector screen. One case at a time in large type (its
facts, liver map, the recommendation's primary line, cautions, work-up outstanding, the votes
once revealed, the decision as it is typed) beside the agenda with its progress and the time on
the case under discussion.

The chair or a coordinator drives it (buttons, or the keyboard: static/js/present.js); each move
records the time spent per case (services.presenting). Everyone else's screen follows: the page
is a live region of the meeting (static/js/live.js), and review pages can follow the presenter
to the case on screen. Without JavaScript the buttons are forms and the page shows the current
case on reload."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.core.exceptions import ApplicationError
from apps.core.ids import uuid_or_none
from apps.recommendations.presentation import panel_context
from apps.recommendations.selectors import recommendation_history

from ..choices import MeetingStatus
from ..models import AgendaItem, Meeting
from ..selectors import agenda_list, current_decision
from ..selectors.typing import decision_typing_get
from ..selectors.votes import votes_view
from ..services.presenting import can_drive, meeting_present
from .case_summary import facts_lines
from .common import meeting_or_404, render_page

TEMPLATE = "meetings/meeting_present.html"


def duration(seconds: float) -> str:
    """A discussion's length as people read it: "45 s", "3 min", "1 h 05 min"."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def spent_seconds(item: AgendaItem, meeting: Meeting, now: Any) -> float:
    """The time the board has spent on the case, the current stretch included."""
    seconds = float(item.discussion_seconds)
    if meeting.current_item_id == item.pk and meeting.current_item_since:
        seconds += max(0.0, (now - meeting.current_item_since).total_seconds())
    return seconds


def rail(meeting: Meeting, items: list[AgendaItem]) -> list[dict[str, Any]]:
    """The agenda with each case's progress: discussed, current or waiting, and its time."""
    now = timezone.now()
    rows = []
    for item in items:
        decided = current_decision(item=item) is not None
        if meeting.current_item_id == item.pk:
            state, label = "current", "Under discussion"
        elif item.moved_to_id is not None:
            state, label = "moved", "Moved to a later meeting"
        elif decided or item.discussion_ended_at is not None:
            state, label = "discussed", "Decided" if decided else "Discussed, no decision yet"
        else:
            state, label = "waiting", "Waiting"
        seconds = spent_seconds(item, meeting, now)
        rows.append(
            {
                "item": item,
                "state": state,
                "label": label,
                "seconds": int(seconds),
                "time": duration(seconds) if seconds else "",
            }
        )
    return rows


def stage(request: HttpRequest, meeting: Meeting, item: AgendaItem | None) -> dict[str, Any]:
    """What the screen shows of the case under discussion."""
    if item is None:
        return {}
    decision = current_decision(item=item)
    snapshots = list(recommendation_history(case=item.case))
    snapshot = snapshots[0] if snapshots else None
    if decision is not None:
        snapshot = next((s for s in snapshots if s.pk == decision.recommendation_id), snapshot)
    panel = None
    if snapshot is not None:
        lesions = (snapshot.facts or {}).get("liver", {}).get("lesions", [])
        panel = panel_context(snapshot.result, lesions)
    votes = votes_view(item=item, user=request.user)
    return {
        "item": item,
        "patient": item.case.patient,
        "facts": facts_lines(snapshot.facts if snapshot else None),
        "panel": panel,
        "votes": votes,
        "decision": decision,
        "typing": decision_typing_get(item=item),
    }


def present_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    items = list(agenda_list(meeting=meeting))
    rows = rail(meeting, items)
    current = next((row["item"] for row in rows if row["state"] == "current"), None)
    open_items = [item for item in items if item.moved_to_id is None]
    index = open_items.index(current) if current in open_items else -1
    previous_item = open_items[index - 1] if index > 0 else None
    next_item = open_items[index + 1] if index + 1 < len(open_items) else None
    if current is None and open_items:
        next_item = open_items[0]
    driver = can_drive(meeting, request.user) and meeting.status == MeetingStatus.IN_PROGRESS
    return {
        "meeting": meeting,
        "rows": rows,
        "current": current,
        "current_position": index + 1,
        "open_count": len(open_items),
        "previous_item": previous_item,
        "next_item": next_item,
        "stage": stage(request, meeting, current),
        "driver": driver,
        "since": meeting.current_item_since,
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_present_page(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """GET: the screen. POST `item` (an agenda item's id, or blank for none): the driver brings
    that case up; the screen again for htmx, else a redirect to it."""
    meeting = meeting_or_404(request, meeting_id)
    status = 200
    error = None
    if request.method == "POST":
        wanted = request.POST.get("item", "")
        item = (
            agenda_list(meeting=meeting).filter(pk=uuid_or_none(wanted)).first() if wanted else None
        )
        try:
            if wanted and item is None:
                raise ApplicationError(
                    "Not a case on this meeting's agenda.", errors={"item": ["Unknown case."]}
                )
            meeting_present(meeting=meeting, item=item, actor=request.user)
        except ApplicationError as exc:
            error, status = exc, exc.status
        else:
            if not request.htmx:
                url = reverse("meetings:meeting-present", kwargs={"meeting_id": meeting.pk})
                return redirect(url)
        meeting = meeting_or_404(request, meeting_id)
    context = present_context(request, meeting)
    context["present_error"] = error
    partial = "presentation" if request.htmx else None
    return render_page(request, TEMPLATE, partial, context, status=status)
