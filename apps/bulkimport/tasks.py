"""The Celery task of a large import: checking its rows, or saving its referrals.

It takes the import's id and the stage, and calls `processing`, whose stages are idempotent
(each does nothing once its stage is over), so it is acknowledged late and rejected back to the
queue when its worker dies. Other failures are retried with exponential backoff and jitter;
after the last retry the import is marked failed with the kind of error only, since an
exception's text may quote the file (names, MRNs). The result is ignored: the import's row is
what clients poll.
"""

from __future__ import annotations

import logging

from celery import shared_task

from .processing import (
    ImportGone,
    referral_import_check,
    referral_import_fail,
    referral_import_save,
)

logger = logging.getLogger(__name__)

STAGES = {"check": referral_import_check, "save": referral_import_save}
MAX_RETRIES = 3


class ImportAttemptFailed(Exception):
    """An attempt failed; carries only the kind of error (see the module docstring)."""


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ImportAttemptFailed,),
    max_retries=MAX_RETRIES,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def referral_import_run(self, import_id: str, stage: str) -> str:  # type: ignore[no-untyped-def]
    """Run `stage` ("check" or "save") of the import `import_id`."""
    try:
        STAGES[stage](import_id=import_id)
    except ImportGone:
        logger.info("referral import %s no longer exists", import_id)
        return "gone"
    except Exception as error:
        attempt = self.request.retries + 1
        kind = type(error).__name__
        logger.warning(
            "referral import %s: %s attempt %d failed (%s)", import_id, stage, attempt, kind
        )
        if self.request.retries >= self.max_retries:
            referral_import_fail(
                import_id=import_id,
                error=f"The {stage} failed ({kind}) after {attempt} attempts; nothing was "
                "saved. Upload the file again; if it fails again, tell the administrator.",
            )
            return "failed"
        raise ImportAttemptFailed(kind) from None
    return "done"
