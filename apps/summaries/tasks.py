"""Celery tasks of the summaries: rendering a printable meeting summary.

The task takes the summary's id, loads nothing itself and calls `generation.summary_generate`.
It is acknowledged late and rejected back to the queue when its worker dies, so a worker killed
mid-render loses no summary: the broker delivers the message again (Redis after the visibility
timeout, settings.CELERY_BROKER_TRANSPORT_OPTIONS) and the next worker renders it. Other
failures are retried with exponential backoff and jitter; after the last retry the summary is
marked failed with a readable error. Neither the error nor the logs quote the exception's text,
only its kind: the text may quote the document. The service is idempotent: a delivery that finds
the summary ready does nothing. A redelivery after a killed worker is not a Celery retry: the
service counts every start and gives the summary up after MAX_ATTEMPTS of them, so a document
that kills its worker is not delivered for ever.

The result is ignored (no result backend write, and no subscription to it when queueing): the
summary's state lives in its database row, which is what clients poll.
"""

from __future__ import annotations

import logging

from celery import shared_task

from .generation import (
    MAX_ATTEMPTS,
    SummaryAttemptsExhausted,
    SummaryGone,
    summary_fail,
    summary_generate,
    summary_retrying,
)

logger = logging.getLogger(__name__)

MAX_RETRIES = MAX_ATTEMPTS - 1  # the first attempt and its retries


class RenderAttemptFailed(Exception):
    """An attempt failed; carries only the kind of error, since Celery logs and stores the
    exception it retries with, and the original's text may quote the document (names, MRNs)."""


def _readable(error: BaseException, attempts: int) -> str:
    # The exception's text may quote the document (names, MRNs): only its kind is kept.
    return (
        f"Rendering failed ({type(error).__name__}) after {attempts} "
        f"attempt{'s' if attempts != 1 else ''}. Request the summary again; if it fails again, "
        "tell the administrator."
    )


@shared_task(
    # The name it had before the summaries left the meetings app: messages queued then, and
    # workers of either version during an upgrade, still find it.
    name="apps.meetings.tasks.summary_render",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(RenderAttemptFailed,),
    max_retries=MAX_RETRIES,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def summary_render(self, summary_id: str) -> str:  # type: ignore[no-untyped-def]
    """Render the meeting summary `summary_id` and its outcome letters, and store them."""
    try:
        summary = summary_generate(summary_id=summary_id)
    except SummaryGone:
        logger.info("summary %s no longer exists; nothing to render", summary_id)
        return "gone"
    except SummaryAttemptsExhausted:
        logger.error("summary %s: given up after %d attempts", summary_id, MAX_ATTEMPTS)
        return "given up"
    except Exception as error:
        attempt = self.request.retries + 1
        logger.warning(
            "summary %s: attempt %d failed (%s)", summary_id, attempt, type(error).__name__
        )
        if self.request.retries >= self.max_retries:
            summary_fail(summary_id=summary_id, error=_readable(error, attempt))
            return "failed"
        summary_retrying(
            summary_id=summary_id,
            error=f"Attempt {attempt} failed ({type(error).__name__}); retrying.",
        )
        # autoretry_for schedules the retry, with exponential backoff and jitter.
        raise RenderAttemptFailed(type(error).__name__) from None
    return "ready" if summary is not None else "already ready"
