"""Writes of recommendation snapshots: evaluating a case's facts and keeping the result (used by
the services and by the re-evaluation task alike).

There is deliberately no update or delete: a snapshot records what the pathway said on the facts
of that moment. A change of the facts makes it stale, and the answer is a new snapshot.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.casefacts.selectors import case_facts
from apps.core.exceptions import ApplicationError
from apps.core.services import save_audited
from apps.pathways import registry
from apps.pathways.facts import FactsValidationError, parse_facts
from apps.pathways.result import result_to_dict
from apps.patients.choices import FINISHED_STATUSES
from apps.patients.models import MdtCase

from .models import RecommendationSnapshot


@transaction.atomic
def recommendation_create(
    *, case: MdtCase, actor: Any, version: str = registry.CURRENT_VERSION
) -> RecommendationSnapshot:
    """Evaluate the case's current facts with the current pathway version (or an earlier
    `version`, for records made before an upgrade) and keep the result, audited with `actor`
    as its author.

    The case row is locked while its facts are read. Every write of the facts moves the case's
    `facts_updated_at` (and so needs that row), so a concurrent change either lands before the
    read and is evaluated, or after it and makes this snapshot stale: never half of each.

    Refused with 409 (the case exists; its state forbids an evaluation):
    - when the case is closed or withdrawn: it is a finished record, and a recommendation added
      after the board closed it (perhaps by a newer pathway version) would read as advice the
      board had. Its earlier snapshots stay readable; reopen the case to evaluate it again;
    - when no facts are recorded yet;
    - when its records no longer make a valid pathway input (e.g. its last lesion was removed);
      the errors name the fields, as the facts endpoint does.
    """
    locked = MdtCase.objects.select_for_update(no_key=True).get(pk=case.pk)
    if locked.status in FINISHED_STATUSES:
        status = locked.get_status_display().lower()
        raise ApplicationError(
            f"The case is {status}: a finished case is not evaluated again.",
            errors={"": ["Reopen the case (status: awaiting_discussion) to evaluate it again."]},
            status=409,
        )
    try:
        document = case_facts(case=locked, version=version)
    except FactsValidationError as error:
        raise ApplicationError(
            f"The pathway ({version}) cannot evaluate the case's recorded facts: correct them "
            "first.",
            errors=error.errors,
            status=409,
        ) from error
    if document is None or locked.facts_updated_at is None:
        raise ApplicationError(
            "No clinical facts recorded for this case yet: nothing to evaluate.",
            errors={"": ["PUT the case's facts first."]},
            status=409,
        )
    result = registry.evaluate(parse_facts(document, version), version)
    snapshot = RecommendationSnapshot(
        case=locked,
        pathway_version=result.pathway_version,
        facts=document,
        facts_updated_at=locked.facts_updated_at,
        result=result_to_dict(result),
        primary_code=result.primary.code,
        resectability=result.resectability,
        created_by=actor,
    )
    save_audited(snapshot, actor=actor)
    return snapshot
