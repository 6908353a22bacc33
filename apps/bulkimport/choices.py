"""Coded values of the bulk import."""

from django.db import models


class ImportStatus(models.TextChoices):
    """Where an import has got. Small files go from upload straight to `ready` or `invalid`;
    large ones pass through `validating` and, once confirmed, `saving`, in a Celery task."""

    VALIDATING = "validating", "Checking the rows"
    INVALID = "invalid", "Has errors: nothing saved"
    READY = "ready", "Checked: ready to save"
    SAVING = "saving", "Saving the referrals"
    SAVED = "saved", "Saved"
    FAILED = "failed", "Failed"


# While in one of these, the page polls and the API client should too.
IN_FLIGHT = frozenset({ImportStatus.VALIDATING, ImportStatus.SAVING})
