"""Writes of the bulk import as a coordinator asks for them: upload a file, confirm its save.

A file of up to `BULK_IMPORT_ASYNC_ROWS` referrals is checked (and, once confirmed, saved) in
the request; a larger one by the Celery task (tasks.py), queued once the request commits
(`transaction.on_commit`: the worker never looks for a row it cannot see yet), while the page
polls the import's progress. The limits are settings, read when used, so a test or a deployment
can change them.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.services import save_audited

from .choices import ImportStatus
from .models import ReferralImport
from .processing import referral_import_check, referral_import_fail, referral_import_save
from .rows import read_file
from .tasks import referral_import_run

logger = logging.getLogger(__name__)

BROKER_UNREACHABLE = "The task queue could not be reached; upload the file again."


def max_bytes() -> int:
    return int(settings.BULK_IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(settings.BULK_IMPORT_MAX_ROWS)


def async_rows() -> int:
    """Files with more referrals than this go through the Celery task."""
    return int(settings.BULK_IMPORT_ASYNC_ROWS)


@transaction.atomic
def referral_import_create(
    *, hospital: Hospital, data: bytes, filename: str, actor: Any
) -> ReferralImport:
    """Store the file and check its rows (now, or queued when it is large). A file that cannot
    be read as a whole (size, encoding, header, row count) raises ApplicationError and stores
    nothing; row errors are the preview's, and the import is stored with them."""
    rows = read_file(data, max_bytes=max_bytes(), max_rows=max_rows())
    referral_import = ReferralImport(
        hospital=hospital,
        uploaded_by=actor,
        filename=filename[:255],
        content=data.decode("utf-8-sig"),
        total=len(rows),
    )
    save_audited(referral_import, actor=actor)
    if len(rows) > async_rows():
        _enqueue(referral_import, "check")
        return referral_import
    return referral_import_check(import_id=str(referral_import.pk)) or referral_import


@transaction.atomic
def referral_import_confirm(*, referral_import: ReferralImport, actor: Any) -> ReferralImport:
    """Save every referral of a checked import with no errors (now, or queued when it is
    large). 409 while any row has an error, while it is still being checked or saved, or once
    it is saved."""
    locked = ReferralImport.objects.select_for_update().get(pk=referral_import.pk)
    if locked.status == ImportStatus.INVALID:
        errors = {
            f"rows[{row['row']}].{column or 'row'}": messages
            for row in locked.rows
            for column, messages in row["errors"].items()
        }
        raise ApplicationError(
            f"Nothing was saved: {locked.error_rows} row(s) have errors. Fix them in the file "
            "and upload it again.",
            errors=errors,
            status=409,
        )
    if locked.status != ImportStatus.READY:
        raise ApplicationError(
            f"This import cannot be saved now: {ImportStatus(locked.status).label.lower()}.",
            errors={"status": [ImportStatus(locked.status).label]},
            status=409,
        )
    locked.status = ImportStatus.SAVING
    locked.confirmed_by = actor
    locked.processed = 0
    save_audited(locked, actor=actor)
    if locked.total > async_rows():
        _enqueue(locked, "save")
        return locked
    return referral_import_save(import_id=str(locked.pk)) or locked


def _enqueue(referral_import: ReferralImport, stage: str) -> None:
    transaction.on_commit(functools.partial(_send, str(referral_import.pk), stage))


def _send(import_id: str, stage: str) -> None:
    """Queue the stage (after the request committed). A broker that cannot be reached fails the
    import with a readable error at once, rather than leaving it waiting for ever."""
    try:
        referral_import_run.delay(import_id, stage)
    except (BrokerError, OSError) as error:
        logger.error("referral import %s could not be queued (%s)", import_id, type(error).__name__)
        referral_import_fail(import_id=import_id, error=BROKER_UNREACHABLE)
