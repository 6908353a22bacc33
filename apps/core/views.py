"""Browser pages of the core app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.meetings.selectors import meeting_list
from apps.patients.choices import CaseStatus
from apps.patients.selectors import case_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: upcoming meetings and the cases waiting for the board."""
    meetings = meeting_list(user=request.user).filter(scheduled_for__gte=timezone.now())[:5]
    waiting = (
        case_list(user=request.user)
        .filter(status__in=[CaseStatus.AWAITING_DISCUSSION, CaseStatus.SCHEDULED])
        .order_by("referred_on")[:25]
    )
    return render(request, "core/home.html", {"meetings": meetings, "cases": waiting})
