"""Choices of the patient and case records. Clinical values are spelt exactly as in the pathway
input (SPEC section 1) so that facts map one to one onto columns."""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class CaseStatus(models.TextChoices):
    AWAITING_DISCUSSION = "awaiting_discussion", "Awaiting discussion"
    SCHEDULED = "scheduled", "On a meeting agenda"
    DISCUSSED = "discussed", "Discussed"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A closed or withdrawn case is a finished record: its facts change only after reopening it.
FINISHED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.WITHDRAWN})


class SurgicalFitness(models.TextChoices):
    FIT = "fit", "Fit for surgery"
    UNFIT = "unfit", "Unfit for surgery"


class PrimarySite(models.TextChoices):
    RIGHT_COLON = "right_colon", "Right colon (caecum to transverse)"
    LEFT_COLON = "left_colon", "Left colon (splenic flexure to sigmoid)"
    RECTUM = "rectum", "Rectum"


class PrimarySymptom(models.TextChoices):
    OBSTRUCTION = "obstruction", "Obstruction"
    BLEEDING = "bleeding", "Bleeding"
    PERFORATION = "perforation", "Perforation"


class Timing(models.TextChoices):
    SYNCHRONOUS = "synchronous", "Synchronous"
    METACHRONOUS = "metachronous", "Metachronous"


class RasStatus(models.TextChoices):
    WILD_TYPE = "wild_type", "Wild type"
    MUTANT = "mutant", "Mutant"
    UNKNOWN = "unknown", "Unknown"


class BrafStatus(models.TextChoices):
    ABSENT = "absent", "Absent"
    PRESENT = "present", "Present"
    UNKNOWN = "unknown", "Unknown"


class MsiStatus(models.TextChoices):
    MSI_HIGH = "msi_high", "MSI-high / dMMR"
    MSS = "mss", "MSS / pMMR"
    UNKNOWN = "unknown", "Unknown"


class Response(models.TextChoices):
    COMPLETE = "complete", "Complete response"
    PARTIAL = "partial", "Partial response"
    STABLE = "stable", "Stable disease"
    PROGRESSIVE = "progressive", "Progressive disease"
