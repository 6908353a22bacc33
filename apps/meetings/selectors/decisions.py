"""Reads of an agenda case's decision (every version, each with the staleness of the
recommendation snapshot it was made against), its actions and its follow-up.

The agenda item comes from `agenda_item_get(user=...)`, which scopes it to the user's hospital;
what hangs off it is then the user's to read. Each read costs a fixed number of queries however
many versions or actions there are."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.roles import user_hospital
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.selectors import with_staleness

from ..models import AgendaItem, Decision, DecisionAction
from . import NOT_FOUND, _uuid

# The flags a decision shows so that nobody reads it as more than it is.
FLAG_WITHOUT_QUORUM = "recorded_without_quorum"
FLAG_LISTED_NOT_DISCUSSED = "listed_not_discussed"
FLAG_RECOMMENDATION_STALE = "recommendation_stale"


class DecisionVersions(NamedTuple):
    """The current version and every version, oldest first (the current one last)."""

    current: Decision
    versions: list[Decision]


def _snapshots() -> QuerySet[RecommendationSnapshot]:
    # The facts and the pathway result are whole documents the decision does not show.
    return with_staleness(RecommendationSnapshot.objects.defer("facts", "result"))


def decision_versions(*, item: AgendaItem) -> list[Decision]:
    """Every version of the item's decision, oldest first, with its author and its snapshot's
    staleness as of now (two queries)."""
    return list(
        Decision.objects.filter(agenda_item=item)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("recommendation", queryset=_snapshots()))
        .order_by("version")
    )


def decision_get(*, item: AgendaItem) -> DecisionVersions:
    """The item's decision with its versions; a clear 404 when none is recorded yet."""
    versions = decision_versions(item=item)
    if not versions:
        raise ApplicationError(
            "No decision has been recorded for this case at this meeting yet.",
            errors={"": ["PUT the decision to record it, or list the case as standard of care."]},
            status=404,
        )
    return DecisionVersions(current=versions[-1], versions=versions)


def decision_flags(decision: Decision) -> list[str]:
    """What a reader must know before relying on the decision. The snapshot's staleness is the
    annotation of `decision_versions` (absent: not known, not flagged)."""
    flags = []
    if not decision.quorate:
        flags.append(FLAG_WITHOUT_QUORUM)
    if decision.listed_not_discussed:
        flags.append(FLAG_LISTED_NOT_DISCUSSED)
    if getattr(decision.recommendation, "stale", False):
        flags.append(FLAG_RECOMMENDATION_STALE)
    return flags


def _today() -> datetime.date:
    return timezone.localdate()


def action_list(*, item: AgendaItem) -> QuerySet[DecisionAction]:
    """The item's actions by due date, each annotated `overdue` (not done, due before today)."""
    overdue = ExpressionWrapper(
        Q(done_at__isnull=True, due_on__lt=_today()), output_field=BooleanField()
    )
    return (
        DecisionAction.objects.filter(agenda_item=item)
        .select_related("owner", "created_by")
        .annotate(overdue=overdue)
        .order_by("due_on", "created_at", "id")
    )


def action_get(*, item: AgendaItem, action_id: Any) -> DecisionAction:
    """One action of the item (annotated as in the list); a malformed or foreign id is a 404."""
    action = action_list(item=item).filter(pk=_uuid(action_id)).first()
    if action is None:
        raise ApplicationError(NOT_FOUND, status=404)
    return action


class FollowUp(NamedTuple):
    """Who tells the patient the decision and by when, and when patient and referrer were
    told."""

    patient_informer: Any
    inform_patient_by: datetime.date | None
    patient_informed_at: datetime.datetime | None
    referrer_informed_at: datetime.datetime | None
    patient_overdue: bool


def follow_up_get(*, item: AgendaItem) -> FollowUp:
    due = item.inform_patient_by
    return FollowUp(
        patient_informer=item.patient_informer,
        inform_patient_by=due,
        patient_informed_at=item.patient_informed_at,
        referrer_informed_at=item.referrer_informed_at,
        patient_overdue=item.patient_informed_at is None and due is not None and due < _today(),
    )


# --- the user's own follow-up work (the inbox's task sources) ------------------------------------


def actions_owned_open(*, user: Any) -> QuerySet[DecisionAction]:
    """The user's actions of their hospital not done yet, soonest due first, with the case and
    meeting. Done actions are left out in SQL, however many there are."""
    return (
        DecisionAction.objects.filter(
            owner=user,
            done_at__isnull=True,
            agenda_item__meeting__hospital=user_hospital(user),
        )
        .select_related("agenda_item__meeting", "agenda_item__case__patient")
        .order_by("due_on", "created_at", "id")
    )


def patients_to_tell(*, user: Any) -> QuerySet[AgendaItem]:
    """The agenda cases whose patient the user is to tell the decision and has not yet, the
    soonest due first (only where a decision exists to tell)."""
    return (
        AgendaItem.objects.filter(
            patient_informer=user,
            patient_informed_at__isnull=True,
            moved_to__isnull=True,
            meeting__hospital=user_hospital(user),
        )
        .filter(Exists(Decision.objects.filter(agenda_item=OuterRef("pk"))))
        .select_related("meeting", "case__patient")
        .order_by(F("inform_patient_by").asc(nulls_last=True), "meeting__scheduled_for", "id")
    )


def action_of_hospital(*, user: Any, action_id: Any) -> DecisionAction:
    """One action of the user's hospital, with its agenda case and meeting; else 404."""
    action = (
        DecisionAction.objects.filter(
            agenda_item__meeting__hospital=user_hospital(user), pk=_uuid(action_id)
        )
        .select_related("agenda_item__meeting")
        .first()
    )
    if action is None or user_hospital(user) is None:
        raise ApplicationError(NOT_FOUND, status=404)
    return action


def agenda_item_of_hospital(*, user: Any, item_id: Any) -> AgendaItem:
    """One agenda case of the user's hospital, with its meeting; else 404."""
    hospital = user_hospital(user)
    item = (
        AgendaItem.objects.filter(meeting__hospital=hospital, pk=_uuid(item_id))
        .select_related("meeting", "case")
        .first()
    )
    if item is None or hospital is None:
        raise ApplicationError(NOT_FOUND, status=404)
    return item
