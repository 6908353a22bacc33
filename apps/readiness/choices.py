"""The readiness checklist's items and their states."""

from django.db import models


class ReadinessItem(models.TextChoices):
    CT_CHEST_ABDOMEN_PELVIS = "ct_chest_abdomen_pelvis", "CT chest-abdomen-pelvis"
    LIVER_MRI = "liver_mri", "Liver MRI"
    CEA = "cea", "CEA"
    PERFORMANCE_STATUS = "performance_status", "Performance status"
    HISTOLOGY = "histology", "Histology confirmed"
    MOLECULAR = "molecular", "RAS, BRAF and MSI known"
    WORKUP = "workup", "Pathway work-up complete"


class ItemState(models.TextChoices):
    CURRENT = "current", "Current"
    STALE = "stale", "Stale"
    MISSING = "missing", "Missing"
