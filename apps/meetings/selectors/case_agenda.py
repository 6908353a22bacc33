"""A case's agendas as its case page reads them, in one query: the meeting it waits for, its
signed decisions with the treatment given after each, and whether it waits for a meeting after a
postponement. Each answer is the one of the selector named beside it (`case_next_meeting`,
`case_decided_items`, `case_waiting_for_meeting`), read from the case's few agenda items in
Python rather than by a query each (tests/meetings/test_case_agenda.py holds them equal).

The caller fetches the case with `apps.patients.selectors.case_list(user=...)`; a case's agenda
items are only ever on its own hospital's meetings, so nothing further needs scoping."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from apps.patients.models import MdtCase

from ..choices import MeetingStatus
from ..models import AgendaItem, Decision, Meeting
from .treatment import with_treatment_records


@dataclass(frozen=True)
class CaseAgenda:
    """What the case page shows of a case's agendas."""

    # The earliest meeting not yet signed off that has the case on its agenda (not moved on).
    next_meeting: Meeting | None
    # The agenda items with a signed decision at a closed meeting, newest meeting first, each
    # with `treatment_record` (or None) and `treatment_days`.
    decided_items: list[AgendaItem]
    # The postponement at a closed meeting that no later meeting has taken yet, or None.
    waiting_for_meeting: AgendaItem | None
    # Whether any signed decision on the case asks for it back on a date: without one the case
    # has no pending request for re-discussion (`rediscussion.case_rediscussion`).
    asks_back: bool


def _next_meeting(items: Iterable[AgendaItem]) -> Meeting | None:
    waiting = [
        item.meeting
        for item in items
        if item.moved_to_id is None and item.meeting.signed_off_at is None
    ]
    return min(waiting, key=lambda meeting: meeting.scheduled_for, default=None)


def _closed_and_kept(item: AgendaItem) -> bool:
    return item.meeting.status == MeetingStatus.CLOSED and item.moved_to_id is None


def _decided_items(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    decided = [item for item in items if _closed_and_kept(item) and item.signed]
    decided.sort(key=lambda item: item.meeting.scheduled_for, reverse=True)
    return with_treatment_records(decided)


def _waiting_for_meeting(items: Iterable[AgendaItem]) -> AgendaItem | None:
    postponed = [item for item in items if _closed_and_kept(item) and item.postponement_reason]
    return max(postponed, key=lambda item: item.meeting.scheduled_for, default=None)


def case_agenda(*, case: MdtCase) -> CaseAgenda:
    """The case's agendas for its page (one query, however many meetings it was on)."""
    signed = Decision.objects.filter(agenda_item=OuterRef("pk"), signed_off_at__isnull=False)
    items = list(
        AgendaItem.objects.filter(case=case)
        .select_related("meeting", "treatment_given__recorded_by")
        .annotate(
            signed=Exists(signed),
            asks_back=Exists(signed.filter(rediscuss_on__isnull=False)),
        )
    )
    return CaseAgenda(
        next_meeting=_next_meeting(items),
        decided_items=_decided_items(items),
        waiting_for_meeting=_waiting_for_meeting(items),
        asks_back=any(item.asks_back for item in items),
    )
