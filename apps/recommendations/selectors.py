"""Reads of recommendation snapshots. Snapshots are reached through their case, which the caller
fetches with `apps.patients.selectors.case_list(user=...)`: a case of another hospital does not
exist for the user, and so neither do its snapshots.

Staleness is computed in the query (one join to the case), so a list of any length costs the
same."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as SqlCase

from apps.core.ids import uuid_or_none
from apps.pathways.registry import CURRENT_VERSION
from apps.patients.choices import FINISHED_STATUSES
from apps.patients.models import MdtCase

from .choices import StaleReason
from .models import RecommendationSnapshot, Reevaluation, ReevaluationCase

# The facts changed after they were read for the evaluation. The snapshot keeps the case's
# facts_updated_at as read with the facts (rather than comparing with its own created_at), so a
# change saved while the evaluation ran still counts.
_FACTS_CHANGED = Q(case__facts_updated_at__gt=F("facts_updated_at"))


def _pathway_updated() -> Q:
    return ~Q(pathway_version=CURRENT_VERSION)


def with_staleness(queryset: QuerySet[RecommendationSnapshot]) -> QuerySet[RecommendationSnapshot]:
    """Annotate `stale` (bool) and `stale_reason` (a StaleReason, or None when fresh). Changed
    facts are named first when both apply: they matter more to the board than a new version."""
    return queryset.annotate(
        stale=SqlCase(
            When(_FACTS_CHANGED | _pathway_updated(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        stale_reason=SqlCase(
            When(_FACTS_CHANGED, then=Value(StaleReason.FACTS_CHANGED.value)),
            When(_pathway_updated(), then=Value(StaleReason.PATHWAY_UPDATED.value)),
            default=Value(None),
            output_field=CharField(),
        ),
    )


def recommendation_history(*, case: MdtCase) -> QuerySet[RecommendationSnapshot]:
    """Every snapshot of the case, newest first, with its staleness and author."""
    return with_staleness(
        RecommendationSnapshot.objects.filter(case=case).select_related("created_by")
    ).order_by("-created_at", "-id")


def recommendation_latest(*, case: MdtCase) -> RecommendationSnapshot | None:
    """The case's newest snapshot, or None when the pathway has not been run for it yet."""
    return recommendation_history(case=case).first()


def recommendation_latest_read(*, case: MdtCase) -> RecommendationSnapshot | None:
    """`recommendation_latest` for a case row the caller has just read (the case page): the
    same snapshot with the same `stale` and `stale_reason`, judged against that row in Python
    rather than by a join to it (building the annotation costs more than the rest of the
    query)."""
    snapshot = (
        RecommendationSnapshot.objects.filter(case=case)
        .select_related("created_by")
        .order_by("-created_at", "-id")
        .first()
    )
    if snapshot is not None:
        # As _FACTS_CHANGED and _pathway_updated() say it in SQL (a case without facts has a
        # NULL facts_updated_at, which is later than nothing).
        facts_changed = (
            case.facts_updated_at is not None and case.facts_updated_at > snapshot.facts_updated_at
        )
        pathway_updated = snapshot.pathway_version != CURRENT_VERSION
        snapshot.stale = facts_changed or pathway_updated
        snapshot.stale_reason = (
            StaleReason.FACTS_CHANGED.value
            if facts_changed
            else StaleReason.PATHWAY_UPDATED.value
            if pathway_updated
            else None
        )
    return snapshot


def recommendation_get(*, case: MdtCase, snapshot_id: Any) -> RecommendationSnapshot:
    """One snapshot of the case (with its staleness); raises DoesNotExist when not the case's."""
    return recommendation_history(case=case).get(pk=snapshot_id)


def reevaluation_latest(*, hospital: Any) -> Reevaluation | None:
    """The hospital's most recent re-evaluation, or None."""
    return (
        Reevaluation.objects.filter(hospital=hospital)
        .select_related("requested_by")
        .order_by("-created_at")
        .first()
    )


def reevaluation_get(*, hospital: Any, reevaluation_id: Any) -> Reevaluation | None:
    """One re-evaluation of the hospital (another hospital's does not exist for the user)."""
    pk = uuid_or_none(reevaluation_id)
    if pk is None:
        return None
    return (
        Reevaluation.objects.filter(hospital=hospital, pk=pk).select_related("requested_by").first()
    )


def reevaluation_cases(*, reevaluation: Reevaluation) -> QuerySet[ReevaluationCase]:
    """The cases of a run with their patient and snapshots (the order is the caller's)."""
    return ReevaluationCase.objects.filter(reevaluation=reevaluation).select_related(
        "case__patient", "before", "after"
    )


def stale_open_case_count(*, hospital: Any) -> int:
    """How many open cases' newest recommendation was made by an earlier pathway version."""
    newest = RecommendationSnapshot.objects.filter(case=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return (
        MdtCase.objects.filter(patient__hospital=hospital, facts_updated_at__isnull=False)
        .exclude(status__in=FINISHED_STATUSES)
        .annotate(newest_version=Subquery(newest.values("pathway_version")[:1]))
        .exclude(newest_version=CURRENT_VERSION)
        .exclude(newest_version__isnull=True)
        .count()
    )


def cases_refused_by_current_pathway(*, hospital: Any | None = None) -> QuerySet[MdtCase]:
    """Open cases whose recorded facts the current pathway refuses: a lesion marked disappeared
    in a patient with no chemotherapy recorded (crlm-2027.1's new rule; its other new rules name
    fields that did not exist before, so stored facts cannot break them). For the coordinator
    to correct; nothing is changed for them."""
    cases = MdtCase.objects.filter(
        facts_updated_at__isnull=False,
        liver_lesions__disappeared=True,
        treatment_history__preoperative_cycles=0,
        treatment_history__prior_systemic_lines=0,
    ).exclude(status__in=FINISHED_STATUSES)
    if hospital is not None:
        cases = cases.filter(patient__hospital=hospital)
    return cases.distinct().select_related("patient").order_by("referred_on", "created_at")
