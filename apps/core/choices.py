"""Choices shared across apps."""

from django.db import models


class Role(models.TextChoices):
    """Roles are Django groups of these names."""

    COORDINATOR = "coordinator", "Coordinator"
    CLINICIAN = "clinician", "Clinician"
    VIEWER = "viewer", "Viewer"
    # Reads the hospital's cases; records that the patient was told and marks actions done,
    # without the other writes of a clinician (no votes, decisions or facts).
    NURSE_SPECIALIST = "nurse_specialist", "Nurse specialist"


class Specialty(models.TextChoices):
    """The specialties of an MDT's members."""

    COLORECTAL_SURGEON = "colorectal_surgeon", "Colorectal surgeon"
    LIVER_SURGEON = "liver_surgeon", "Liver (HPB) surgeon"
    MEDICAL_ONCOLOGIST = "medical_oncologist", "Medical oncologist"
    RADIATION_ONCOLOGIST = "radiation_oncologist", "Radiation oncologist"
    RADIOLOGIST = "radiologist", "Radiologist"
    INTERVENTIONAL_RADIOLOGIST = "interventional_radiologist", "Interventional radiologist"
    PATHOLOGIST = "pathologist", "Pathologist"
    NURSE_SPECIALIST = "nurse_specialist", "Nurse specialist"
    COORDINATOR = "coordinator", "MDT coordinator"
    OTHER = "other", "Other"
