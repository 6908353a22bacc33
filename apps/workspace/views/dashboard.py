"""The dashboard: the start page after logging in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.meetings.views.meetings import quorum_shown

from .. import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: upcoming meetings, the cases waiting for the board, the cases whose
    recommendation is stale, and the actions the user owes."""
    user = request.user
    meetings = selectors.upcoming_meetings(user=user)
    for meeting in meetings:
        meeting.quorum = quorum_shown(meeting)
    return render(
        request,
        "workspace/home.html",
        {
            "meetings": meetings,
            "cases": selectors.waiting_cases(user=user),
            "stale_cases": selectors.stale_cases(user=user),
            "my_actions": selectors.my_actions(user=user),
        },
    )
