"""Browser pages of the core app: the dashboard."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.core.roles import user_hospital
from apps.meetings.choices import MeetingStatus
from apps.meetings.models import DecisionAction
from apps.meetings.selectors import meeting_list
from apps.meetings.views.meetings import quorum_shown, with_case_counts
from apps.patients.choices import CaseStatus
from apps.patients.selectors import case_list
from apps.recommendations.choices import StaleReason
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.selectors import with_staleness

# Enough for a glance; the full lists are the meetings and cases pages.
UPCOMING_MEETINGS = 5
CASES_SHOWN = 25
ACTIONS_SHOWN = 25
# A meeting that began this morning and is not signed off is still "upcoming" business.
RECENT = datetime.timedelta(hours=12)
OPEN_CASES = [CaseStatus.AWAITING_DISCUSSION, CaseStatus.SCHEDULED, CaseStatus.DISCUSSED]


def _stale_cases(user: Any) -> list[Any]:
    """Open cases whose newest recommendation is stale, with why: the staleness of each case's
    newest snapshot is a subquery (recommendations.selectors.with_staleness), so the list is
    one query however many cases or snapshots there are."""
    newest = with_staleness(
        RecommendationSnapshot.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-id")
    )
    cases = list(
        case_list(user=user)
        .filter(status__in=OPEN_CASES)
        .annotate(
            latest_stale=Subquery(newest.values("stale")[:1]),
            latest_stale_reason=Subquery(newest.values("stale_reason")[:1]),
        )
        .filter(latest_stale=True)
        .order_by("referred_on", "created_at")[:CASES_SHOWN]
    )
    labels = dict(StaleReason.choices)
    for case in cases:
        case.stale_label = labels.get(case.latest_stale_reason, "")
    return cases


def _my_actions(user: Any) -> list[DecisionAction]:
    """The user's actions not done yet, soonest due first, each marked `overdue`."""
    overdue = ExpressionWrapper(Q(due_on__lt=timezone.localdate()), output_field=BooleanField())
    return list(
        DecisionAction.objects.filter(
            owner=user,
            done_at__isnull=True,
            agenda_item__meeting__hospital=user_hospital(user),
        )
        .select_related("agenda_item__meeting", "agenda_item__case__patient")
        .annotate(overdue=overdue)
        .order_by("due_on", "created_at", "id")[:ACTIONS_SHOWN]
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: upcoming meetings, the cases waiting for the board, the cases whose
    recommendation is stale, and the actions the user owes."""
    user = request.user
    meetings = list(
        with_case_counts(meeting_list(user=user))
        .exclude(status=MeetingStatus.CLOSED)
        .filter(Q(scheduled_for__gte=timezone.now() - RECENT) | Q(status=MeetingStatus.IN_PROGRESS))
        .order_by("scheduled_for", "id")[:UPCOMING_MEETINGS]
    )
    for meeting in meetings:
        meeting.quorum = quorum_shown(meeting)
    # A case on an agenda is still waiting: it has not been discussed.
    waiting = (
        case_list(user=user)
        .filter(status__in=[CaseStatus.AWAITING_DISCUSSION, CaseStatus.SCHEDULED])
        .annotate(evaluated=Exists(RecommendationSnapshot.objects.filter(case=OuterRef("pk"))))
        .order_by("referred_on", "created_at")[:CASES_SHOWN]
    )
    return render(
        request,
        "core/home.html",
        {
            "meetings": meetings,
            "cases": waiting,
            "stale_cases": _stale_cases(user),
            "my_actions": _my_actions(user),
        },
    )
