"""Writes of the recommendations: a case's snapshot (snapshots.py, re-exported here) and the
re-evaluation of every open case of a hospital after a pathway upgrade, queued for the Celery
task (tasks.py, which calls reevaluating.py)."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from apps.core.models import Hospital
from apps.core.services import save_audited
from apps.pathways import registry

from .choices import ReevaluationStatus
from .models import Reevaluation
from .reevaluating import open_cases, reevaluation_fail
from .snapshots import recommendation_create
from .tasks import reevaluate_open_cases

__all__ = ["recommendation_create", "reevaluation_request"]

logger = logging.getLogger(__name__)

BROKER_UNREACHABLE = "The task queue could not be reached; try again."


@transaction.atomic
def reevaluation_request(*, hospital: Hospital, actor: Any) -> Reevaluation:
    """Re-evaluate every open case of the hospital with the current pathway version: a new run
    queued once the request commits, or the run already waiting or under way."""
    # The hospital's row orders two coordinators asking at once: one run, not two.
    Hospital.objects.select_for_update().filter(pk=hospital.pk).first()
    running = (
        Reevaluation.objects.filter(
            hospital=hospital,
            status__in=[ReevaluationStatus.PENDING, ReevaluationStatus.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )
    if running is not None:
        return running
    run = Reevaluation(
        hospital=hospital,
        pathway_version=registry.CURRENT_VERSION,
        total=open_cases(hospital=hospital).count(),
        requested_by=actor,
    )
    save_audited(run, actor=actor)
    transaction.on_commit(functools.partial(_send, str(run.pk)))
    return run


def _send(reevaluation_id: str) -> None:
    try:
        reevaluate_open_cases.delay(reevaluation_id)
    except (BrokerError, OSError) as error:
        logger.error(
            "re-evaluation %s could not be queued (%s)", reevaluation_id, type(error).__name__
        )
        reevaluation_fail(reevaluation_id=reevaluation_id, error=BROKER_UNREACHABLE)
