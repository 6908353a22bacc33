"""The dashboard: the start page after logging in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.meetings.views.meetings import quorum_shown
from apps.recommendations.choices import StaleReason

from .. import selectors
from .tasks import tasks_context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: upcoming meetings, the cases waiting for the board, the cases whose
    recommendation is stale, and the user's first tasks (My tasks)."""
    user = request.user
    meetings = selectors.upcoming_meetings(user=user)
    for meeting in meetings:
        meeting.quorum = quorum_shown(meeting)
    stale_cases = selectors.stale_cases(user=user)
    return render(
        request,
        "workspace/home.html",
        {
            "meetings": meetings,
            "cases": selectors.waiting_cases(user=user),
            "stale_cases": stale_cases,
            "pathway_updated": any(
                case.latest_stale_reason == StaleReason.PATHWAY_UPDATED for case in stale_cases
            ),
            **tasks_context(user, view="home"),
        },
    )
