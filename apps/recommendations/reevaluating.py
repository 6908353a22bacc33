"""The steps the re-evaluation task takes (tasks.py): start the run, evaluate each open case of
the hospital in a transaction of its own and record what changed, finish. Apart from the
request (services.py) so that services -> tasks -> reevaluating runs one way.

Each case is committed as it is done, so the progress (`done` of `total`) is visible while the
run goes on, and a redelivered task (a worker killed mid-run) skips the cases already done.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.patients.choices import FINISHED_STATUSES
from apps.patients.models import MdtCase

from .choices import ReevaluationOutcome, ReevaluationStatus
from .models import RecommendationSnapshot, Reevaluation, ReevaluationCase
from .snapshots import recommendation_create


class ReevaluationGone(Exception):
    """The run no longer exists: nothing to do."""


def open_cases(*, hospital: Any) -> QuerySet[MdtCase]:
    """The hospital's cases a re-evaluation covers: open (not closed or withdrawn), with
    facts."""
    return (
        MdtCase.objects.filter(patient__hospital=hospital, facts_updated_at__isnull=False)
        .exclude(status__in=FINISHED_STATUSES)
        .order_by("referred_on", "created_at", "id")
    )


def _lock(reevaluation_id: str) -> Reevaluation:
    try:
        pk = uuid.UUID(str(reevaluation_id))
    except ValueError:
        raise ReevaluationGone(reevaluation_id) from None
    run = Reevaluation.objects.select_for_update().filter(pk=pk).first()
    if run is None:
        raise ReevaluationGone(reevaluation_id)
    return run


@transaction.atomic
def reevaluation_start(*, reevaluation_id: str) -> Reevaluation | None:
    """Mark the run running and count its cases; None when it has finished already."""
    run = _lock(reevaluation_id)
    if run.status in (ReevaluationStatus.DONE, ReevaluationStatus.FAILED):
        return None
    run.status = ReevaluationStatus.RUNNING
    run.started_at = run.started_at or timezone.now()
    run.total = max(run.total, open_cases(hospital=run.hospital_id).count())
    run.save(update_fields=["status", "started_at", "total", "updated_at"])
    return run


def _codes(snapshot: RecommendationSnapshot | None, group: str) -> set[str]:
    if snapshot is None:
        return set()
    return {str(item.get("code")) for item in snapshot.result.get(group, [])}


def _cautions(snapshot: RecommendationSnapshot | None) -> set[str]:
    if snapshot is None:
        return set()
    warnings = snapshot.result.get("warnings", [])
    # crlm-2026.1's warnings carry no severity: each counts as a caution there.
    return {
        str(item.get("code")) for item in warnings if item.get("severity", "caution") == "caution"
    }


def changes_between(
    before: RecommendationSnapshot | None, after: RecommendationSnapshot
) -> tuple[str, dict[str, Any]]:
    """The outcome and what changed from one snapshot to the next."""
    before_codes, after_codes = _codes(before, "recommendations"), _codes(after, "recommendations")
    new_cautions = sorted(_cautions(after) - _cautions(before))
    changes = {
        "version_before": before.pathway_version if before else None,
        "version_after": after.pathway_version,
        "primary_before": before.primary_code if before else None,
        "primary_after": after.primary_code,
        "resectability_before": before.resectability if before else None,
        "resectability_after": after.resectability,
        "added": sorted(after_codes - before_codes),
        "removed": sorted(before_codes - after_codes),
        "new_cautions": new_cautions,
        "summary_after": after.result.get("summary"),
    }
    if before is None:
        outcome = ReevaluationOutcome.NEW
    elif (
        changes["added"]
        or changes["removed"]
        or new_cautions
        or before.primary_code != after.primary_code
        or before.resectability != after.resectability
    ):
        outcome = ReevaluationOutcome.CHANGED
    else:
        outcome = ReevaluationOutcome.UNCHANGED
    return outcome, changes


def reevaluate_case(*, reevaluation: Reevaluation, case: MdtCase) -> ReevaluationCase | None:
    """Evaluate one case and record the outcome, in a transaction of its own; None when the run
    already holds it (a redelivery)."""
    with transaction.atomic():
        if ReevaluationCase.objects.filter(reevaluation=reevaluation, case=case).exists():
            return None
        before = (
            RecommendationSnapshot.objects.filter(case=case).order_by("-created_at", "-id").first()
        )
        try:
            after = recommendation_create(case=case, actor=reevaluation.requested_by)
        except ApplicationError as error:
            # The case changed state meanwhile (closed), or the pathway refuses its facts:
            # recorded, with the fields and why, for the coordinator to correct.
            record = ReevaluationCase.objects.create(
                reevaluation=reevaluation,
                case=case,
                before=before,
                outcome=ReevaluationOutcome.REFUSED,
                changes={"message": error.message, "errors": error.errors},
            )
        else:
            outcome, changes = changes_between(before, after)
            record = ReevaluationCase.objects.create(
                reevaluation=reevaluation,
                case=case,
                before=before,
                after=after,
                outcome=outcome,
                changes=changes,
            )
        # A case opened since the count still fits: the total grows with it.
        Reevaluation.objects.filter(pk=reevaluation.pk).update(
            done=F("done") + 1, total=Greatest(F("total"), F("done") + 1)
        )
        return record


def reevaluation_run(*, reevaluation_id: str) -> Reevaluation | None:
    """The task's body: every open case not done yet, then the run marked done."""
    run = reevaluation_start(reevaluation_id=reevaluation_id)
    if run is None:
        return None
    for case in open_cases(hospital=run.hospital_id).select_related("patient"):
        reevaluate_case(reevaluation=run, case=case)
    with transaction.atomic():
        run = _lock(reevaluation_id)
        run.status = ReevaluationStatus.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at", "updated_at"])
    return run


@transaction.atomic
def reevaluation_fail(*, reevaluation_id: str, error: str) -> None:
    """Give the run up with a readable error (its kind, never patient data)."""
    try:
        run = _lock(reevaluation_id)
    except ReevaluationGone:
        return
    if run.status == ReevaluationStatus.DONE:
        return
    run.status = ReevaluationStatus.FAILED
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "updated_at"])
