"""The two stages of an import, run in the request for a small file and by the Celery task
(tasks.py) for a large one: checking every row, and saving every referral.

Checking a row goes as far as saving it: once its cells read and its facts validate, the
referral is made by the real service (`case_refer`) inside a savepoint that is then rolled
back. The preview so finds everything the save would refuse (an MRN registered under another
name, a referral date before birth), with the service's own rules and no copy of them here.

Both stages are idempotent: each looks at the import's status first and does nothing when its
stage is over, so a redelivered task (a worker killed mid-way) does no harm. The save is one
transaction: every referral is created, with the import marked saved, or nothing is.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.casefacts.services import case_refer
from apps.core.exceptions import ApplicationError
from apps.core.ids import uuid_or_none
from apps.core.services import save_audited
from apps.patients.models import Patient

from .choices import ImportStatus
from .models import ReferralImport
from .rows import ROW_LEVEL, RowReading, read_file, read_row, service_errors_by_column

logger = logging.getLogger(__name__)

# Progress is written every this many rows: a poll every second sees it move without a write
# per row.
PROGRESS_EVERY = 10
UNLIMITED = 1 << 40


class ImportGone(Exception):
    """The import no longer exists (nothing to do)."""


class _DryRun(Exception):
    """Rolls back the trial referral of a row being checked."""


def _load(import_id: str) -> ReferralImport:
    pk = uuid_or_none(import_id)
    found = ReferralImport.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise ImportGone(import_id)
    return found


def _rows_of(referral_import: ReferralImport) -> list[dict[str, Any]]:
    # The stored text was read once at upload; the limits were checked then.
    data = referral_import.content.encode("utf-8")
    return read_file(data, max_bytes=UNLIMITED, max_rows=UNLIMITED)


def _refer(referral_import: ReferralImport, reading: RowReading, actor: Any) -> Any:
    return case_refer(
        hospital=referral_import.hospital,
        identity=reading.identity,
        question=reading.referral.get("question", ""),
        referring_clinician=reading.referral.get("referring_clinician", ""),
        general_practitioner=reading.referral.get("general_practitioner", ""),
        referred_on=reading.referral.get("referred_on"),
        facts=reading.facts,
        created_by=actor,
    )


def _preview(number: int, cells: dict[str, str], errors: dict[str, list[str]], existing: Any):
    return {
        "row": number,
        "mrn": cells.get("mrn", ""),
        "patient": f"{cells.get('family_name', '').upper()}, {cells.get('given_name', '')}",
        "referred_on": cells.get("referred_on", ""),
        "lesions": cells.get("lesions", ""),
        "existing_patient": existing,
        "errors": errors,
    }


def referral_import_check(*, import_id: str) -> ReferralImport | None:
    """Check every row and store the preview; None when the import was already checked."""
    referral_import = _load(import_id)
    if referral_import.status != ImportStatus.VALIDATING:
        return None
    referral_import.attempts += 1
    ReferralImport.objects.filter(pk=referral_import.pk).update(
        attempts=referral_import.attempts, processed=0
    )
    actor = referral_import.uploaded_by
    today = timezone.localdate()
    first_row_of_mrn: dict[str, int] = {}
    preview = []
    for done, row in enumerate(_rows_of(referral_import), start=1):
        errors = dict(row["errors"])
        reading = read_row(row["cells"], today=today)
        for column, messages in reading.errors.items():
            errors.setdefault(column, []).extend(messages)
        mrn = reading.identity.get("mrn", "").strip()
        existing = None
        if mrn:
            if mrn.casefold() in first_row_of_mrn:
                errors.setdefault("mrn", []).append(
                    f"The same MRN as row {first_row_of_mrn[mrn.casefold()]}: one referral per "
                    "patient in a file."
                )
            first_row_of_mrn.setdefault(mrn.casefold(), row["row"])
            existing = Patient.objects.filter(hospital=referral_import.hospital, mrn=mrn).exists()
        if not errors:
            try:
                with transaction.atomic():
                    _refer(referral_import, reading, actor)
                    raise _DryRun
            except _DryRun:
                pass
            except ApplicationError as error:
                errors = service_errors_by_column(error.errors or {ROW_LEVEL: [error.message]})
        preview.append(_preview(row["row"], row["cells"], errors, existing))
        if done % PROGRESS_EVERY == 0:
            ReferralImport.objects.filter(pk=referral_import.pk).update(processed=done)
    return _finish_check(referral_import, preview, actor)


@transaction.atomic
def _finish_check(referral_import: ReferralImport, preview: list, actor: Any) -> ReferralImport:
    locked = ReferralImport.objects.select_for_update().get(pk=referral_import.pk)
    if locked.status != ImportStatus.VALIDATING:
        return locked  # another delivery finished first
    locked.rows = preview
    locked.error_rows = sum(1 for row in preview if row["errors"])
    locked.processed = locked.total
    locked.status = ImportStatus.INVALID if locked.error_rows else ImportStatus.READY
    locked.finished_at = timezone.now()
    save_audited(locked, actor=actor)
    return locked


def referral_import_save(*, import_id: str) -> ReferralImport | None:
    """Save every referral in one transaction; None when it was already saved. A row the
    services now refuse (the records changed since the preview) rolls everything back and
    turns the import to `invalid` with that row's errors."""
    referral_import = _load(import_id)
    if referral_import.status != ImportStatus.SAVING:
        return None
    ReferralImport.objects.filter(pk=referral_import.pk).update(
        attempts=referral_import.attempts + 1
    )
    try:
        return _save_all(referral_import)
    except _SaveRefused as refused:
        return _mark_refused(referral_import, refused.errors_by_row)


class _SaveRefused(Exception):
    def __init__(self, errors_by_row: dict[int, dict[str, list[str]]]) -> None:
        super().__init__("refused")
        self.errors_by_row = errors_by_row


@transaction.atomic
def _save_all(referral_import: ReferralImport) -> ReferralImport:
    locked = ReferralImport.objects.select_for_update().get(pk=referral_import.pk)
    if locked.status != ImportStatus.SAVING:
        return locked
    actor = locked.confirmed_by or locked.uploaded_by
    today = timezone.localdate()
    case_ids: list[str] = []
    refused: dict[int, dict[str, list[str]]] = {}
    for row in _rows_of(locked):
        reading = read_row(row["cells"], today=today)
        if reading.errors or row["errors"]:
            refused[row["row"]] = {**row["errors"], **reading.errors}
            continue
        try:
            with transaction.atomic():
                case = _refer(locked, reading, actor)
        except ApplicationError as error:
            refused[row["row"]] = service_errors_by_column(
                error.errors or {ROW_LEVEL: [error.message]}
            )
            continue
        case_ids.append(str(case.pk))
    if refused:
        raise _SaveRefused(refused)  # rolls back every case made above
    locked.created_case_ids = case_ids
    locked.status = ImportStatus.SAVED
    locked.processed = locked.total
    locked.finished_at = timezone.now()
    save_audited(locked, actor=actor)
    return locked


@transaction.atomic
def _mark_refused(
    referral_import: ReferralImport, errors_by_row: dict[int, dict[str, list[str]]]
) -> ReferralImport:
    locked = ReferralImport.objects.select_for_update().get(pk=referral_import.pk)
    for row in locked.rows:
        row["errors"] = errors_by_row.get(row["row"], {})
    locked.error_rows = len(errors_by_row)
    locked.status = ImportStatus.INVALID
    locked.processed = locked.total
    locked.finished_at = timezone.now()
    save_audited(locked, actor=locked.confirmed_by or locked.uploaded_by)
    return locked


def referral_import_fail(*, import_id: str, error: str) -> None:
    """Give the import up with a readable error (never patient data)."""
    pk = uuid_or_none(import_id)
    if pk is None:
        return
    ReferralImport.objects.filter(
        pk=pk, status__in=[ImportStatus.VALIDATING, ImportStatus.SAVING]
    ).update(status=ImportStatus.FAILED, error=error, finished_at=timezone.now())
