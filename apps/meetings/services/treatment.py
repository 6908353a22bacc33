"""Writes of the treatment actually given after the board's signed decision on an agenda case.

One record per agenda case, made or corrected by coordinators and clinicians once the meeting
is signed off; a correction saves over it and its history keeps what it said before, by whom
and when. The rules: a treatment named is one of the current decision's plan codes or "other"
described in words; it started on or after the meeting's day and not in the future; when it is
not what the board decided (partly or not at all), or when nothing was started, a coded reason
says why, and "other" says it in words.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.services import assign, save_audited

from ..choices import OTHER_TREATMENT, MeetingStatus, TreatmentMatch, TreatmentVarianceReason
from ..models import AgendaItem, TreatmentGiven
from ..selectors.treatment import meeting_day, signed_decision
from .checks import lock_item

INVALID = "Invalid input: see the errors for each field."


def _fields(item: AgendaItem, decision: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The record's fields from the input, checked; an ApplicationError names each bad one."""
    started = bool(data.get("started", True))
    code = data.get("treatment_code") or ""
    other = (data.get("treatment_other") or "").strip()
    started_on: datetime.date | None = data.get("started_on")
    matches = data.get("matches") or ""
    reason = data.get("reason") or ""
    detail = (data.get("reason_detail") or "").strip()
    errors: dict[str, list[str]] = {}
    day = meeting_day(item)
    if started:
        allowed = [*decision.plan_codes, OTHER_TREATMENT]
        if not code:
            errors["treatment_code"] = ["Say which treatment was started."]
        elif code not in allowed:
            errors["treatment_code"] = [
                f"Not a treatment of the decision's plan; choose one of {', '.join(allowed)}."
            ]
        if code == OTHER_TREATMENT and not other:
            errors["treatment_other"] = ["Describe the treatment that was started."]
        elif code != OTHER_TREATMENT and other:
            errors["treatment_other"] = ['Leave this out unless the treatment is "other".']
        if started_on is None:
            errors["started_on"] = ["Give the day the treatment started."]
        elif started_on < day:
            errors["started_on"] = [
                f"Cannot be before the meeting's day ({day:%d %b %Y}) that decided it."
            ]
        elif started_on > timezone.localdate():
            errors["started_on"] = ["Cannot be in the future: record it once it has started."]
        if matches not in TreatmentMatch.values:
            errors["matches"] = ["Say whether it is the treatment the board decided on."]
    else:
        for field, value in (
            ("treatment_code", code),
            ("treatment_other", other),
            ("started_on", started_on),
        ):
            if value:
                errors[field] = ["Leave this out: no treatment was started."]
        if matches and matches != TreatmentMatch.NO:
            errors["matches"] = ["Nothing was started: it is not the treatment decided on."]
        matches = TreatmentMatch.NO
    if matches == TreatmentMatch.YES:
        for field, value in (("reason", reason), ("reason_detail", detail)):
            if value:
                errors[field] = ["Leave this out: the treatment is the one decided on."]
    elif matches in TreatmentMatch.values:
        if reason not in TreatmentVarianceReason.values:
            errors["reason"] = [
                "Say why the treatment is not the one decided on."
                if started
                else "Say why no treatment was started."
            ]
        elif reason == TreatmentVarianceReason.OTHER and not detail:
            errors["reason_detail"] = ["Describe the reason."]
    if errors:
        raise ApplicationError(INVALID, errors=errors)
    return {
        "started": started,
        "treatment_code": code if started else "",
        "treatment_other": other,
        "started_on": started_on if started else None,
        "matches": matches,
        "reason": reason,
        "reason_detail": detail,
        "decision_id": decision.pk,
    }


@transaction.atomic
def treatment_record(*, item: AgendaItem, actor: Any, data: dict[str, Any]) -> TreatmentGiven:
    """Record, or correct, the treatment given after the item's signed decision.

    `data`: started (default true), treatment_code, treatment_other, started_on, matches,
    reason, reason_detail. 409 while the meeting is not signed off or the case moved on."""
    locked = lock_item(item)
    if locked.moved_to_id is not None:
        raise ApplicationError(
            "The case moved to a later meeting: record the treatment given there.",
            errors={"": [f"Work on the case at meeting {locked.moved_to_id}."]},
            status=409,
        )
    decision = signed_decision(locked) if locked.meeting.status == MeetingStatus.CLOSED else None
    if decision is None:
        raise ApplicationError(
            "The decision is not signed off yet: the treatment given follows the signed decision.",
            errors={"": ["Record it once the chair has signed the meeting off."]},
            status=409,
        )
    values = _fields(locked, decision, data)
    record = TreatmentGiven.objects.select_for_update().filter(agenda_item=locked).first()
    if record is None:
        record = TreatmentGiven(agenda_item=locked, recorded_by=actor)
    if assign(record, values):
        record.recorded_by = actor
        save_audited(record, actor=actor, clean=True)
    return record
