"""The bulk referral import: one uploaded CSV, its row-by-row check and what it saved."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.constraints import one_of
from apps.core.models import BaseModel, Hospital

from .choices import ImportStatus


class ReferralImport(BaseModel):
    """A coordinator's CSV of referrals to the liver MDT, one row per patient referred: the file
    as uploaded (`content`, so a Celery worker reads exactly what was previewed), the check of
    every row (`rows`: each row's patient and its errors by column), and the cases it created.

    Nothing is saved while any row has an error; the save is one transaction, so the cases are
    all there or none is. `processed` out of `total` is the progress a page polls."""

    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    content = models.TextField(help_text="The CSV as uploaded, decoded from UTF-8.")
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    total = models.PositiveIntegerField(help_text="Referrals (data rows) in the file.")
    processed = models.PositiveIntegerField(
        default=0, help_text="Rows checked, or saved, so far in the current stage."
    )
    rows = models.JSONField(
        default=list,
        help_text="The preview: per row its number, patient, and errors by column.",
    )
    error_rows = models.PositiveIntegerField(default=0, help_text="Rows with an error.")
    created_case_ids = models.JSONField(default=list, help_text="Ids of the cases saved.")
    error = models.TextField(blank=True, help_text="Why the task failed (no patient data).")
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["content", "rows"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_of("status", ImportStatus.values, "referral_import_status_valid"),
            models.CheckConstraint(
                condition=Q(processed__lte=F("total")), name="referral_import_progress_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral import {self.pk} ({self.status})"
