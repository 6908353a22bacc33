"""A hospital's readiness rules: which checklist items count and how recent each must be."""

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.constraints import between
from apps.core.models import BaseModel, Hospital

WEEKS_MIN, WEEKS_MAX = 1, 52


def _weeks(default: int, what: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        default=default, help_text=f"How many weeks before the meeting {what} may be."
    )


class ReadinessPolicy(BaseModel):
    """The readiness checklist of one hospital's board: each item can be switched off, and the
    dated ones carry their freshness limit in weeks before the meeting (a result exactly at
    the limit is still current). A hospital without a policy uses these defaults."""

    hospital = models.OneToOneField(
        Hospital, on_delete=models.CASCADE, related_name="readiness_policy"
    )
    ct_chest_abdomen_pelvis_required = models.BooleanField(
        "CT chest-abdomen-pelvis required", default=True
    )
    ct_chest_abdomen_pelvis_weeks = _weeks(6, "the CT chest-abdomen-pelvis")
    liver_mri_required = models.BooleanField("liver MRI required", default=True)
    liver_mri_weeks = _weeks(6, "the liver MRI")
    cea_required = models.BooleanField("CEA required", default=True)
    cea_weeks = _weeks(4, "the CEA measurement")
    performance_status_required = models.BooleanField("performance status required", default=True)
    performance_status_weeks = _weeks(4, "the performance status assessment")
    histology_required = models.BooleanField("confirmed histology required", default=True)
    molecular_required = models.BooleanField("RAS, BRAF and MSI required", default=True)
    workup_required = models.BooleanField(
        "the pathway's work-up required",
        default=True,
        help_text="No work-up outstanding on the case's current recommendation.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "readiness policy"
        verbose_name_plural = "readiness policies"
        constraints = [
            between(field, WEEKS_MIN, WEEKS_MAX, f"readiness_{field}_range")
            for field in (
                "ct_chest_abdomen_pelvis_weeks",
                "liver_mri_weeks",
                "cea_weeks",
                "performance_status_weeks",
            )
        ]

    def __str__(self) -> str:
        return f"Readiness policy of {self.hospital}"
