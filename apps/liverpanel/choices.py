"""Choices of the liver expert panel."""

from django.db import models


class PanelCategory(models.TextChoices):
    """A reviewer's (and the panel's) resectability category, spelt as the pathway's
    resectability classes so that the two compare directly: the pathway's `unresectable` is the
    panel's "permanently unresectable" (no conversion expected)."""

    RESECTABLE = "resectable", "Resectable"
    POTENTIALLY_RESECTABLE = "potentially_resectable", "Potentially resectable"
    UNRESECTABLE = "unresectable", "Permanently unresectable"


# The categories in order: one step apart is a minor disagreement, two a major one (CAIRO5's
# liver expert panel: resectable against permanently unresectable).
CATEGORY_ORDER = {
    PanelCategory.RESECTABLE: 0,
    PanelCategory.POTENTIALLY_RESECTABLE: 1,
    PanelCategory.UNRESECTABLE: 2,
}


class ReferralStatus(models.TextChoices):
    """Where a case sent to the panel stands."""

    IN_REVIEW = "in_review", "Three surgeons reviewing"
    ESCALATED = "escalated", "Reviews disagreed: two more surgeons reviewing"
    AWAITING_CONCLUSION = "awaiting_conclusion", "Reviews complete: waiting for the chair"
    CONCLUDED = "concluded", "Concluded"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (ReferralStatus.IN_REVIEW, ReferralStatus.ESCALATED)


class Disagreement(models.TextChoices):
    """How far the first three reviews disagreed on the category."""

    NONE = "none", "All three agreed"
    MINOR = "minor", "Minor (one category apart)"
    MAJOR = "major", "Major (resectable against permanently unresectable)"


class LesionTreatment(models.TextChoices):
    """What a reviewer plans for one lesion."""

    ANATOMICAL_RESECTION = "anatomical_resection", "Anatomical resection"
    PARENCHYMA_SPARING_RESECTION = "parenchyma_sparing_resection", "Parenchyma-sparing resection"
    ABLATION = "ablation", "Ablation"
    NO_LOCAL_TREATMENT = "no_local_treatment", "No local treatment"


RESECTIONS = (LesionTreatment.ANATOMICAL_RESECTION, LesionTreatment.PARENCHYMA_SPARING_RESECTION)


class PanelStrategy(models.TextChoices):
    """How the liver is cleared: in one operation, in two stages, or by ALPPS."""

    ONE_STAGE = "one_stage", "One-stage hepatectomy"
    TWO_STAGE = "two_stage", "Two-stage hepatectomy"
    ALPPS = "alpps", "ALPPS (associating liver partition and portal vein ligation)"
