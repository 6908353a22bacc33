"""Reads of postponed and carried cases: what a meeting's sign-off carried where, and the cases
waiting for a meeting (postponed at a signed-off meeting that had no later one). The worklist
and the tasks inbox call these; scoping is by the meeting or hospital the caller passes, which
it takes from the user (selectors.meeting_get, apps.core.roles.user_hospital)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.core.models import Hospital
from apps.patients.models import MdtCase

from ..choices import MeetingStatus
from ..models import AgendaItem, Meeting


def meeting_carry_over(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's agenda cases that left it undiscussed, in agenda order: postponed (with
    `postponement_reason`, `postponed_by`, `postponed_at`) and/or moved to `moved_to`. One
    whose `moved_to` is empty on a signed-off meeting is waiting for a meeting."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .filter(~Q(postponement_reason="") | Q(moved_to__isnull=False))
        .select_related("case__patient", "moved_to", "postponed_by")
        .order_by("position")
    )


def cases_waiting_for_meeting(*, hospital: Hospital) -> QuerySet[AgendaItem]:
    """The hospital's postponed agenda cases that no later meeting has taken yet, longest
    waiting first: each item's `case` (with its patient) is waiting for a meeting, `meeting`
    is the signed-off meeting it was postponed at, with its `postponement_reason`."""
    return (
        AgendaItem.objects.filter(
            meeting__hospital=hospital,
            meeting__status=MeetingStatus.CLOSED,
            moved_to__isnull=True,
        )
        .exclude(postponement_reason="")
        .select_related("case__patient", "meeting", "postponed_by")
        .order_by("meeting__scheduled_for", "position")
    )


def case_waiting_for_meeting(*, case: MdtCase) -> AgendaItem | None:
    """The case's postponement that no later meeting has taken yet (with its signed-off
    `meeting`), or None. The caller has fetched the case through a selector scoped to the
    user."""
    return (
        AgendaItem.objects.filter(
            case=case, meeting__status=MeetingStatus.CLOSED, moved_to__isnull=True
        )
        .exclude(postponement_reason="")
        .select_related("meeting")
        .order_by("-meeting__scheduled_for")
        .first()
    )
