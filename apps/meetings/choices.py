"""Choices of meetings, votes and decisions."""

from django.db import models


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed (signed off)"


class Intent(models.TextChoices):
    """The treatment intent the board decided on."""

    CURATIVE = "curative", "Curative"
    PALLIATIVE = "palliative", "Palliative"


class Agreement(models.TextChoices):
    """How the board's decision stands to the pathway's recommendation it was made against."""

    AGREE = "agree", "Agrees with the recommendation"
    MODIFIED = "modified", "Modifies the recommendation"
    DISAGREE = "disagree", "Departs from the recommendation"


class DepartureReason(models.TextChoices):
    """Why a decision modified or departed from the recommendation (coded, for concordance)."""

    PATIENT_PREFERENCE = "patient_preference", "Patient preference"
    COMORBIDITY = "comorbidity", "Comorbidity"
    NEW_INFORMATION = "new_information", "New information"
    CLINICAL_JUDGEMENT = "clinical_judgement", "Clinical judgement"
    TRIAL = "trial", "Clinical trial"
    OTHER = "other", "Other"


class TreatmentMatch(models.TextChoices):
    """Whether the treatment started is the one the board decided on."""

    YES = "yes", "As decided"
    PARTLY = "partly", "Partly as decided"
    NO = "no", "Not as decided"


class TreatmentVarianceReason(models.TextChoices):
    """Why the treatment given differs from the decision, or why none was started (coded, for
    the board's adherence figures)."""

    PATIENT_CHOICE = "patient_choice", "Patient choice"
    CHANGE_IN_CONDITION = "change_in_condition", "Change in condition"
    DIED = "died", "The patient died"
    TOXICITY = "toxicity", "Toxicity"
    PROGRESSION = "progression", "Disease progression"
    OTHER = "other", "Other"


# The treatment code of something started that is not one of the decision's plan codes.
OTHER_TREATMENT = "other"


class PostponementReason(models.TextChoices):
    """Why a case on the agenda was not discussed and waits for a later meeting (coded, for the
    board's postponement rate and reasons)."""

    IMAGING_NOT_READY = "imaging_not_ready", "Imaging not ready"
    PATHOLOGY_NOT_READY = "pathology_not_ready", "Pathology not ready"
    PATIENT_NOT_FIT = "patient_not_fit", "Patient not fit"
    KEY_CLINICIAN_ABSENT = "key_clinician_absent", "Key clinician absent"
    OUT_OF_TIME = "out_of_time", "Out of time"
    OTHER = "other", "Other"


# The specialties a meeting needs present to be quorate: the core team of
# synchronous-crlm-review-2024 (Conclusion), within the full team of
# liver-metastasis-concepts-review (Conclusions).
QUORUM_SPECIALTIES = ("liver_surgeon", "medical_oncologist", "radiologist")

# What each flag of a decision (selectors.decisions.decision_flags) says to a reader.
DECISION_FLAGS = {
    "recorded_without_quorum": "Recorded without quorum",
    "listed_not_discussed": "Listed as standard of care, not discussed",
    "recommendation_stale": "Made on a recommendation that is now stale",
}
