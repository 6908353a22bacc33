"""Choices of the worklist board."""

from django.db import models


class WorklistStage(models.TextChoices):
    """Where a case stands on the way from referral to closure, in order (apps/analytics/
    selectors/worklist.py says how each stage is recognised)."""

    REFERRED = "referred", "Referred"
    IN_PREPARATION = "in_preparation", "In preparation"
    READY = "ready", "Ready for the board"
    ON_AGENDA = "on_agenda", "On an agenda"
    DISCUSSED = "discussed", "Discussed"
    TREATMENT_STARTED = "treatment_started", "Treatment started"
    FOLLOW_UP = "follow_up", "Follow-up"
    CLOSED = "closed", "Closed"
