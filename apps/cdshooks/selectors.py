"""Reads of the CDS service: the MDT case an EHR's patient has in the client's hospital, and the
counts of cards and their feedback that concordance reports beside the board's decisions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from apps.core.models import Hospital
from apps.patients.models import MdtCase

from .choices import FeedbackOutcome
from .models import CdsCard, CdsFeedback


def case_for_patient(*, hospital: Hospital, mrns: list[str]) -> MdtCase | None:
    """The newest MDT case of the patient whose MRN the EHR sent, in the client's hospital only:
    another hospital's client never reaches (or links to) this hospital's records."""
    if not mrns:
        return None
    return (
        MdtCase.objects.filter(patient__hospital=hospital, patient__mrn__in=mrns)
        .order_by("-referred_on", "-created_at")
        .first()
    )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_period(
    field: str, start: datetime.date | None, end: datetime.date | None
) -> dict[str, datetime.datetime]:
    bounds = {}
    if start is not None:
        bounds[f"{field}__gte"] = _local_midnight(start)
    if end is not None:
        bounds[f"{field}__lt"] = _local_midnight(end + datetime.timedelta(days=1))
    return bounds


def ehr_feedback_summary(
    hospital: Hospital | None, start: datetime.date | None, end: datetime.date | None
) -> dict[str, Any]:
    """Cards issued to the hospital's EHR clients in the period (local dates, like the
    meetings'), and the feedback on them: accepted, overridden, override reasons counted.
    Two queries whatever the numbers."""
    answer: dict[str, Any] = {
        "cards_issued": 0,
        "accepted": 0,
        "overridden": 0,
        "override_reasons": [],
    }
    if hospital is None:
        return answer
    answer["cards_issued"] = CdsCard.objects.filter(
        client__hospital=hospital, **_in_period("created_at", start, end)
    ).count()
    rows = (
        CdsFeedback.objects.filter(
            card__client__hospital=hospital, **_in_period("card__created_at", start, end)
        )
        .order_by()
        .values("outcome", "override_reason_code", "override_reason_display")
        .annotate(count=Count("id"))
    )
    reasons: dict[str, dict[str, Any]] = {}
    for row in rows:
        outcome = row["outcome"]
        answer[outcome] = answer.get(outcome, 0) + row["count"]
        if outcome == FeedbackOutcome.OVERRIDDEN:
            code = row["override_reason_code"] or ""
            entry = reasons.setdefault(
                code, {"code": code, "display": row["override_reason_display"], "count": 0}
            )
            entry["count"] += row["count"]
    answer["override_reasons"] = sorted(
        reasons.values(), key=lambda item: (-item["count"], item["code"])
    )
    return answer
