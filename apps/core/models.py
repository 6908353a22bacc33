"""Shared model base, hospitals and the staff who work in them."""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .choices import Specialty


class BaseModel(models.Model):
    """Every record has a UUID (public URLs never expose row counts) and its timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Hospital(BaseModel):
    """A hospital (or trust) running its own MDT: patients, cases and meetings belong to one, and
    its staff see only its records."""

    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=40, unique=True, help_text="Short code, unique.")
    # The letterhead of the outcome letters.
    address = models.TextField(blank=True, help_text="Postal address, one line per line.")
    telephone = models.CharField(max_length=40, blank=True, help_text="The MDT office's number.")
    email = models.EmailField(blank=True, help_text="The MDT office's address.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(BaseModel):
    """A user's place in a hospital: which hospital's records they work on and their specialty.
    Their role (coordinator, clinician, viewer) is a Django group."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="staff")
    specialty = models.CharField(
        max_length=40, choices=Specialty.choices, default=Specialty.OTHER, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(specialty__in=Specialty.values),
                name="staffprofile_specialty_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.hospital})"
