"""Reads that gather several apps: the case list with each case's latest recommendation, a
case's combined audit trail, the dashboard's lists, and a re-evaluation's changes in the order
the board meets them. Each starts from a scoped selector of
the app it reads (`case_list`, `meeting_list`), so another hospital's records stay invisible."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from apps.core.audit import audit_entries, readable_trail
from apps.core.roles import user_hospital
from apps.imaging.models import ExtrahepaticSite, ImagingStudy, LiverAssessment, LiverLesion
from apps.meetings.choices import MeetingStatus
from apps.meetings.models import AgendaItem, Decision, DecisionAction, Meeting
from apps.meetings.selectors import meeting_list, with_case_counts
from apps.patients.choices import CaseStatus
from apps.patients.models import (
    Biomarkers,
    MdtCase,
    Patient,
    PerformanceStatus,
    Presentation,
    PrimaryTumour,
    TreatmentHistory,
    WorkupStatus,
)
from apps.patients.selectors import case_list
from apps.recommendations.choices import StaleReason
from apps.recommendations.models import RecommendationSnapshot, Reevaluation, ReevaluationCase
from apps.recommendations.selectors import reevaluation_cases, with_staleness

# Enough for a glance; the full lists are the meetings and cases pages.
UPCOMING_MEETINGS = 5
CASES_SHOWN = 25
ACTIONS_SHOWN = 25
# A meeting that began this morning and is not signed off is still "upcoming" business.
RECENT = datetime.timedelta(hours=12)
# Cases still to come to the board: a discussed case is past its meeting (ten years of them
# would bury this week's), so its recommendation is no longer the board's to refresh.
OPEN_CASES = [CaseStatus.AWAITING_DISCUSSION, CaseStatus.SCHEDULED]


def case_audit_trail(*, case: MdtCase) -> list[dict[str, Any]]:
    """Every change to the case, its patient, its clinical records, its recommendations and the
    board's decisions and actions on it, newest first (the API's form: one entry per record
    written, fields by name)."""
    return audit_entries(_case_audit_sources(case))


def case_audit_saves(*, case: MdtCase) -> list[dict[str, Any]]:
    """The same trail as the audit page shows it: one entry per save, in words."""
    return readable_trail(_case_audit_sources(case))


def _case_audit_sources(case: MdtCase) -> list[tuple[str, Any]]:
    per_case = [
        ("performance_status", PerformanceStatus),
        ("primary_tumour", PrimaryTumour),
        ("presentation", Presentation),
        ("biomarkers", Biomarkers),
        ("treatment_history", TreatmentHistory),
        ("workup_status", WorkupStatus),
        ("liver_assessment", LiverAssessment),
        ("liver_lesion", LiverLesion),
        ("extrahepatic_site", ExtrahepaticSite),
        ("imaging_study", ImagingStudy),
        ("agenda_item", AgendaItem),
        ("recommendation", RecommendationSnapshot),
    ]
    # The board's decisions and actions on the case, through every agenda item it ever had
    # (a removed item's history still names the case). The surgeons' votes are left out: a
    # hidden call must not be readable here before the chair reveals it.
    agenda_items = AgendaItem.history.filter(case_id=case.id).values("id")
    sources = [
        ("patient", Patient.history.filter(id=case.patient_id)),
        ("case", MdtCase.history.filter(id=case.id)),
        *((name, model.history.filter(case_id=case.id)) for name, model in per_case),
        ("decision", Decision.history.filter(agenda_item_id__in=agenda_items)),
        ("decision_action", DecisionAction.history.filter(agenda_item_id__in=agenda_items)),
    ]
    return sources


def case_search(*, user: Any, status: str = "", query: str = "") -> QuerySet[MdtCase]:
    """The user's cases for the case list, newest referral first: filtered by status and by an
    MRN or family name (the start of either, case-insensitive), each with the primary
    recommendation code of its latest snapshot (one subquery, not one query per row)."""
    cases = case_list(user=user)
    if status:
        cases = cases.filter(status=status)
    query = query.strip()
    if query:
        cases = cases.filter(
            Q(patient__mrn__istartswith=query) | Q(patient__family_name__istartswith=query)
        )
    latest = RecommendationSnapshot.objects.filter(case=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return cases.annotate(latest_primary_code=Subquery(latest.values("primary_code")[:1])).order_by(
        "-referred_on", "-created_at"
    )


def upcoming_meetings(*, user: Any) -> list[Meeting]:
    """The next meetings not signed off (one begun this morning included), soonest first, each
    with its `case_count`."""
    return list(
        with_case_counts(meeting_list(user=user))
        .exclude(status=MeetingStatus.CLOSED)
        .filter(Q(scheduled_for__gte=timezone.now() - RECENT) | Q(status=MeetingStatus.IN_PROGRESS))
        .order_by("scheduled_for", "id")[:UPCOMING_MEETINGS]
    )


def waiting_cases(*, user: Any) -> QuerySet[MdtCase]:
    """Cases waiting for the board, oldest referral first, each with whether the pathway has
    been run for it (`evaluated`). A case on an agenda is still waiting: not yet discussed."""
    return (
        case_list(user=user)
        .filter(status__in=[CaseStatus.AWAITING_DISCUSSION, CaseStatus.SCHEDULED])
        .annotate(evaluated=Exists(RecommendationSnapshot.objects.filter(case=OuterRef("pk"))))
        .order_by("referred_on", "created_at")[:CASES_SHOWN]
    )


def stale_cases(*, user: Any) -> list[MdtCase]:
    """Cases awaiting discussion or on an agenda whose newest recommendation is stale, newest
    referral first, with why (`stale_label`): the staleness of each case's newest snapshot is a
    subquery (recommendations.selectors.with_staleness), so the list is one query however many
    cases or snapshots there are; the status index keeps the subquery to the open cases."""
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
        .order_by("-referred_on", "-created_at")[:CASES_SHOWN]
    )
    labels = dict(StaleReason.choices)
    for case in cases:
        case.stale_label = labels.get(case.latest_stale_reason, "")
    return cases


def my_actions(*, user: Any) -> list[DecisionAction]:
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


def reevaluation_changes(*, reevaluation: Reevaluation) -> QuerySet[ReevaluationCase]:
    """The cases of a re-evaluation, those on the next agenda first (the soonest meeting not
    signed off that the case is on, and not moved from), then by referral date."""
    next_meeting = (
        AgendaItem.objects.filter(case=OuterRef("case_id"), moved_to__isnull=True)
        .exclude(meeting__status=MeetingStatus.CLOSED)
        .filter(meeting__scheduled_for__gte=timezone.now() - RECENT)
        .order_by("meeting__scheduled_for")
        .values("meeting__scheduled_for")[:1]
    )
    return (
        reevaluation_cases(reevaluation=reevaluation)
        .annotate(next_meeting_at=Subquery(next_meeting))
        .order_by(F("next_meeting_at").asc(nulls_last=True), "case__referred_on", "id")
    )
