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


class ReevaluationStatus(models.TextChoices):
    """Where a re-evaluation of a hospital's open cases has got."""

    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Re-evaluating"
    DONE = "done", "Done"
    FAILED = "failed", "Stopped"


class ReevaluationOutcome(models.TextChoices):
    """What became of one case in a re-evaluation."""

    UNCHANGED = "unchanged", "Same primary recommendation and codes"
    CHANGED = "changed", "The recommendation changed"
    NEW = "new", "First recommendation"
    REFUSED = "refused", "The pathway refuses the recorded facts"


# The role of one option of a recommendation (SPEC section 7), as a reader names one option.
RECOMMENDATION_ROLES = {
    "primary": "Primary recommendation",
    "sequence": "Step of a sequence",
    "alternative": "Alternative",
    "adjunct": "Adjunct",
    "monitoring": "Monitoring",
}
