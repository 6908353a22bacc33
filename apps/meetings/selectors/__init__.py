"""Reads of meetings, scoped to the user's hospital: a meeting of another hospital does not exist
for the user (404), and neither do its agenda, attendance, votes or decisions. The reads of
votes, decisions and concordance are modules beside this one."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.core.exceptions import ApplicationError
from apps.core.ids import uuid_or_none as _uuid
from apps.core.roles import user_hospital

from ..choices import QUORUM_SPECIALTIES
from ..models import AgendaItem, Attendance, Decision, Meeting

NOT_FOUND = "Not found."


def meeting_list(*, user: Any) -> QuerySet[Meeting]:
    hospital = user_hospital(user)
    if hospital is None:
        return Meeting.objects.none()
    return (
        Meeting.objects.filter(hospital=hospital)
        .select_related("chair", "signed_off_by")
        .prefetch_related("attendances")
    )


def with_case_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Each meeting with `case_count`: the cases on its agenda that did not move on. Counted
    by a subquery per meeting, not a join grouped over every meeting: a page of twenty then
    counts twenty agendas, read in date order from the meetings' index."""
    stayed = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"), moved_to__isnull=True)
        .order_by()
        .values("meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return meetings.annotate(case_count=Coalesce(Subquery(stayed), 0))


def meeting_get(*, user: Any, meeting_id: Any) -> Meeting:
    """One meeting the user may see; a malformed id or another hospital's meeting is a 404."""
    meeting = meeting_list(user=user).filter(pk=_uuid(meeting_id)).first()
    if meeting is None:
        raise ApplicationError(NOT_FOUND, status=404)
    return meeting


def agenda_list(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    return (
        # The case's records are the readiness checklist's (apps.readiness.selectors).
        meeting.agenda_items.select_related(
            "case__patient",
            "case__biomarkers",
            "case__performance_status",
            "case__primary_tumour",
            "presenter",
            "moved_to",
            "postponed_by",
            "carried_from__meeting",
        )
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("version")),
        )
        .order_by("position")
    )


def agenda_item_get(*, user: Any, meeting_id: Any, item_id: Any) -> AgendaItem:
    """One agenda item of a meeting the user may see, with its meeting and case; else 404."""
    item = (
        AgendaItem.objects.filter(
            meeting__in=meeting_list(user=user), meeting_id=_uuid(meeting_id), pk=_uuid(item_id)
        )
        .select_related("meeting__chair", "case__patient", "presenter", "moved_to", "postponed_by")
        .first()
    )
    if item is None:
        raise ApplicationError(NOT_FOUND, status=404)
    return item


def attendance_list(*, meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("user").order_by("created_at", "id")


class Quorum(NamedTuple):
    """Whether the core team is present: a liver surgeon, a medical oncologist and a
    radiologist (choices.QUORUM_SPECIALTIES)."""

    quorate: bool
    present: list[str]
    missing: list[str]


def meeting_quorum(*, meeting: Meeting) -> Quorum:
    """The meeting's quorum from its attendance (uses prefetched `attendances` when present)."""
    specialties = {attendance.specialty for attendance in meeting.attendances.all()}
    present = [s for s in QUORUM_SPECIALTIES if s in specialties]
    missing = [s for s in QUORUM_SPECIALTIES if s not in specialties]
    return Quorum(quorate=not missing, present=present, missing=missing)


def current_decision(*, item: AgendaItem) -> Decision | None:
    """The item's newest decision version (uses prefetched `decisions` when present)."""
    versions = list(item.decisions.all())
    return max(versions, key=lambda decision: decision.version) if versions else None
