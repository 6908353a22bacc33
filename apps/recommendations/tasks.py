"""Celery task of the recommendations: re-evaluating every open case of a hospital with the
current pathway version (after an upgrade).

The task takes the run's id and calls `reevaluating.reevaluation_run`. It is acknowledged late
and rejected back to the queue when its worker dies; a redelivery skips the cases already done
(each is committed as it goes). Any other failure stops the run with its kind of error, never
its text (which may quote patient data); asking again starts a new run.
"""

from __future__ import annotations

import logging

from celery import shared_task

from .reevaluating import ReevaluationGone, reevaluation_fail, reevaluation_run

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def reevaluate_open_cases(self, reevaluation_id: str) -> str:  # type: ignore[no-untyped-def]
    """Re-evaluate the open cases of the run `reevaluation_id`."""
    try:
        run = reevaluation_run(reevaluation_id=reevaluation_id)
    except ReevaluationGone:
        logger.info("re-evaluation %s no longer exists", reevaluation_id)
        return "gone"
    except Exception as error:
        logger.error("re-evaluation %s stopped (%s)", reevaluation_id, type(error).__name__)
        reevaluation_fail(
            reevaluation_id=reevaluation_id,
            error=f"Stopped by an error ({type(error).__name__}). Ask again; the cases already "
            "done keep their new recommendation.",
        )
        return "failed"
    return "done" if run is not None else "already done"
