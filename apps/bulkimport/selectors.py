"""Reads of the bulk imports: only the user's hospital's imports exist for them (else 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.core.exceptions import ApplicationError
from apps.core.ids import uuid_or_none
from apps.core.roles import user_hospital

from .choices import IN_FLIGHT, ImportStatus
from .models import ReferralImport

NOT_FOUND = "No such import in your hospital."


def referral_import_list(*, user: Any) -> QuerySet[ReferralImport]:
    hospital = user_hospital(user)
    if hospital is None:
        return ReferralImport.objects.none()
    return ReferralImport.objects.filter(hospital=hospital).defer("content")


def referral_import_get(*, user: Any, import_id: Any) -> ReferralImport:
    pk = uuid_or_none(import_id)
    found = referral_import_list(user=user).filter(pk=pk).first() if pk else None
    if found is None:
        raise ApplicationError(NOT_FOUND, errors={"": [NOT_FOUND]}, status=404)
    return found


def referral_import_status(referral_import: ReferralImport) -> dict[str, Any]:
    """What the page and the API show of an import: counts, progress, the preview rows."""
    status = ImportStatus(referral_import.status)
    percent = (
        round(100 * referral_import.processed / referral_import.total)
        if referral_import.total
        else 0
    )
    return {
        "id": referral_import.pk,
        "filename": referral_import.filename,
        "status": status.value,
        "status_display": status.label,
        "in_flight": status in IN_FLIGHT,
        "total": referral_import.total,
        "processed": referral_import.processed,
        "percent": percent,
        "error_rows": referral_import.error_rows,
        "rows": referral_import.rows,
        "created_case_ids": referral_import.created_case_ids,
        "error": referral_import.error,
        "created_at": referral_import.created_at,
        "finished_at": referral_import.finished_at,
    }
