"""The readiness checklist seen from the meetings: the reference date of a case (the date of the
open meeting it waits for, or today) and the checklist of an agenda's cases in one batch."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from apps.patients.models import MdtCase
from apps.readiness.selectors import Readiness, case_readiness, cases_readiness

from ..models import AgendaItem, Meeting


def meeting_date(meeting: Meeting) -> datetime.date:
    return timezone.localdate(meeting.scheduled_for)


def case_next_meeting(*, case: MdtCase) -> Meeting | None:
    """The earliest meeting not yet signed off that has the case on its agenda (not moved on)."""
    item = (
        AgendaItem.objects.filter(
            case=case, moved_to__isnull=True, meeting__signed_off_at__isnull=True
        )
        .select_related("meeting")
        .order_by("meeting__scheduled_for")
        .first()
    )
    return item.meeting if item is not None else None


def readiness_date(meeting: Meeting | None) -> datetime.date:
    """The date a case's checklist is read against: that of the meeting it waits for (its
    `case_next_meeting`), or today."""
    return meeting_date(meeting) if meeting is not None else timezone.localdate()


def case_readiness_now(*, case: MdtCase) -> tuple[Readiness, Meeting | None]:
    """The case's checklist against the date of the meeting it waits for, or today."""
    meeting = case_next_meeting(case=case)
    return case_readiness(case=case, on=readiness_date(meeting)), meeting


def with_readiness(items: Iterable[AgendaItem], meeting: Meeting) -> list[AgendaItem]:
    """The agenda items, each with `readiness` (its case's checklist on the meeting's date),
    in a constant number of queries."""
    items = list(items)
    checked: dict[Any, Readiness] = cases_readiness(
        cases=[item.case for item in items], on=meeting_date(meeting)
    )
    for item in items:
        item.readiness = checked.get(item.case_id)
    return items
