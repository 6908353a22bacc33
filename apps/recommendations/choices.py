"""Choices of the recommendation snapshots."""

from django.db import models


class Resectability(models.TextChoices):
    """The pathway's resectability class (SPEC section 3), spelt as in its output."""

    RESECTABLE = "resectable", "Resectable"
    POTENTIALLY_RESECTABLE = "potentially_resectable", "Potentially resectable"
    UNRESECTABLE = "unresectable", "Unresectable"


class StaleReason(models.TextChoices):
    """Why a snapshot no longer reflects what the pathway would say for its case today."""

    FACTS_CHANGED = "facts_changed", "The case's facts changed after the evaluation"
    PATHWAY_UPDATED = "pathway_updated", "A newer pathway version is in use"


# The role of one option of a recommendation (SPEC section 7), as a reader names one option.
RECOMMENDATION_ROLES = {
    "primary": "Primary recommendation",
    "sequence": "Step of a sequence",
    "alternative": "Alternative",
    "adjunct": "Adjunct",
    "monitoring": "Monitoring",
}
