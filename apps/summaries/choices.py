"""Coded values of the printable summaries."""

from django.db import models


class SummaryStatus(models.TextChoices):
    """Where a meeting summary's rendering has got: queued, being rendered, stored, or given up
    after its retries (with the error)."""

    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
