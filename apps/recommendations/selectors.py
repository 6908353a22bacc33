"""Reads of recommendation snapshots. Snapshots are reached through their case, which the caller
fetches with `apps.patients.selectors.case_list(user=...)`: a case of another hospital does not
exist for the user, and so neither do its snapshots.

Staleness is computed in the query (one join to the case), so a list of any length costs the
same."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, CharField, F, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase

from apps.pathways.registry import CURRENT_VERSION
from apps.patients.models import MdtCase

from .choices import StaleReason
from .models import RecommendationSnapshot

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


def recommendation_get(*, case: MdtCase, snapshot_id: Any) -> RecommendationSnapshot:
    """One snapshot of the case (with its staleness); raises DoesNotExist when not the case's."""
    return recommendation_history(case=case).get(pk=snapshot_id)
