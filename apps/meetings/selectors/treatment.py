"""Reads of the treatment actually given after a signed decision: an agenda case's record with
the days from the meeting to the start of treatment, a case's records over its meetings, and
the signed decisions of a hospital still waiting for one (a task source of the inbox).

The agenda item comes from `agenda_item_get(user=...)` (or the case from the case's own scoped
selector), which scopes it to the user's hospital; the hospital-wide reads take the hospital."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from apps.core.models import Hospital
from apps.patients.models import MdtCase

from ..choices import OTHER_TREATMENT, MeetingStatus
from ..models import AgendaItem, Decision, TreatmentGiven

# A treatment is expected to start within a month of the decision to treat (the 31-day
# standard of cancer waiting times); the task to record it falls due then.
TREATMENT_DUE_DAYS = 31


def meeting_day(item: AgendaItem) -> datetime.date:
    return timezone.localdate(item.meeting.scheduled_for)


def days_to_treatment(treatment: TreatmentGiven) -> int | None:
    """Days from the meeting's day to the start of treatment; None when nothing started.
    Needs `agenda_item__meeting` (select_related by the selectors here)."""
    if treatment.started_on is None:
        return None
    return (treatment.started_on - meeting_day(treatment.agenda_item)).days


def treatment_get(*, item: AgendaItem) -> TreatmentGiven | None:
    """The agenda case's record of the treatment given, with its author, or None (one query)."""
    return (
        TreatmentGiven.objects.filter(agenda_item=item)
        .select_related("agenda_item__meeting", "recorded_by", "decision")
        .first()
    )


def case_treatments(*, case: MdtCase) -> list[TreatmentGiven]:
    """The case's records of treatment given, one per meeting that decided it, newest meeting
    first (one query)."""
    return list(
        TreatmentGiven.objects.filter(agenda_item__case=case)
        .select_related("agenda_item__meeting", "recorded_by", "decision")
        .order_by("-agenda_item__meeting__scheduled_for")
    )


def case_decided_items(*, case: MdtCase) -> list[AgendaItem]:
    """The case's agenda items with a signed decision, newest meeting first, each with its
    meeting and its record of the treatment given if any (`treatment_record`: None when none
    is recorded) and `treatment_days` (one query)."""
    signed = Decision.objects.filter(agenda_item=OuterRef("pk"), signed_off_at__isnull=False)
    items = list(
        AgendaItem.objects.filter(
            case=case, meeting__status=MeetingStatus.CLOSED, moved_to__isnull=True
        )
        .filter(Exists(signed))
        .select_related("meeting", "treatment_given__recorded_by")
        .order_by("-meeting__scheduled_for")
    )
    return with_treatment_records(items)


def with_treatment_records(items: list[AgendaItem]) -> list[AgendaItem]:
    """Each decided item (its `treatment_given` selected) with `treatment_record` (None when
    none is recorded) and `treatment_days`, read from the row already loaded."""
    for item in items:
        record = getattr(item, "treatment_given", None)
        if record is not None:
            record.agenda_item = item
        item.treatment_record = record
        item.treatment_days = days_to_treatment(record) if record is not None else None
    return items


def signed_decision(item: AgendaItem) -> Decision | None:
    """The item's current decision version when it is signed off, else None."""
    decision = Decision.objects.filter(agenda_item=item).order_by("-version").first()
    return decision if decision is not None and decision.signed_off_at is not None else None


def decisions_awaiting_treatment(
    *, hospital: Hospital | None, held_since: datetime.date | None = None
) -> QuerySet[AgendaItem]:
    """The hospital's agenda cases with a signed decision and no record of the treatment
    given, the oldest meeting first, each annotated `treatment_due_on` in Python by the caller
    (meeting day + TREATMENT_DUE_DAYS). `held_since` leaves out older meetings: a decision of
    years ago that nobody followed up is the audit's business, not a task."""
    if hospital is None:
        return AgendaItem.objects.none()
    signed = Decision.objects.filter(agenda_item=OuterRef("pk"), signed_off_at__isnull=False)
    recorded = TreatmentGiven.objects.filter(agenda_item=OuterRef("pk"))
    items = AgendaItem.objects.filter(
        meeting__hospital=hospital,
        meeting__status=MeetingStatus.CLOSED,
        moved_to__isnull=True,
    )
    if held_since is not None:
        # A bound on the meeting's time itself (not its local date): it can use an index.
        start = datetime.datetime.combine(held_since, datetime.time.min)
        items = items.filter(meeting__scheduled_for__gte=timezone.make_aware(start))
    return (
        items.filter(Exists(signed))
        .exclude(Exists(recorded))
        .select_related("meeting", "case__patient")
        .order_by("meeting__scheduled_for", "position")
    )


def treatment_due_on(item: AgendaItem) -> datetime.date:
    return meeting_day(item) + datetime.timedelta(days=TREATMENT_DUE_DAYS)


def plan_code_choices(decision: Decision | None) -> list[str]:
    """The codes a treatment record may name: the decision's plan codes, then "other"."""
    codes: list[Any] = list(decision.plan_codes) if decision is not None else []
    return [*codes, OTHER_TREATMENT]
