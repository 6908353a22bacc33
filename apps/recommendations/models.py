"""Snapshots of the pathway's recommendation for a case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.constraints import one_of
from apps.core.models import BaseModel, Hospital
from apps.patients.models import MdtCase

from .choices import ReevaluationOutcome, ReevaluationStatus, Resectability


class RecommendationSnapshot(BaseModel):
    """What the pathway advised for a case at one moment: the facts exactly as they were
    evaluated, the pathway version, and its whole result (options with their roles, warnings,
    work-up, lesion plan and trace, each with its citations), with who asked for it and when.

    A snapshot is never changed. When the case's facts change, or a newer pathway version comes
    into use, the snapshot becomes stale and a new one is made beside it, so the board can always
    see what an earlier recommendation was based on.
    """

    # CASCADE, as every record of a case's facts: a case may only be deleted while it has never
    # been on an agenda (apps.patients.services.case_delete), and the history keeps the rows.
    case = models.ForeignKey(MdtCase, on_delete=models.CASCADE, related_name="recommendations")
    pathway_version = models.CharField(max_length=32)
    facts = models.JSONField(help_text="The case facts as evaluated (the canonical SPEC input).")
    facts_updated_at = models.DateTimeField(
        help_text=(
            "The case's facts_updated_at when its facts were read for this evaluation; a later "
            "change of the facts makes the snapshot stale."
        )
    )
    result = models.JSONField(help_text="The pathway's output (SPEC section 7).")
    primary_code = models.CharField(
        max_length=64, db_index=True, help_text="Code of the recommendation with role primary."
    )
    resectability = models.CharField(max_length=24, choices=Resectability.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "recommendation snapshot"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="recommendation_case_newest"),
        ]
        constraints = [
            one_of("resectability", Resectability.values, "recommendation_resectability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.primary_code} ({self.pathway_version}) for case {str(self.case_id)[:8]}"


class Reevaluation(BaseModel):
    """A coordinator's re-evaluation of every open case of a hospital with the current pathway
    version, typically after an upgrade: each case gets a new snapshot (audited, its author the
    coordinator), and `ReevaluationCase` keeps what changed, so the board sees per case the
    primary before and after, the codes added and removed and the new cautions.

    Run by a Celery task that records its progress (`done` of `total`) as it goes; a second
    request while one is pending or running gets that one."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="+")
    pathway_version = models.CharField(max_length=32)
    status = models.CharField(
        max_length=12, choices=ReevaluationStatus.choices, default=ReevaluationStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0, help_text="Open cases with facts to evaluate.")
    done = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why it stopped (no patient data).")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_of("status", ReevaluationStatus.values, "reevaluation_status_valid"),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="reevaluation_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"Re-evaluation with {self.pathway_version} ({self.done}/{self.total})"


class ReevaluationCase(BaseModel):
    """One case of a re-evaluation: the snapshot it had and the one it got (or why the pathway
    refused its facts), and what changed between them."""

    reevaluation = models.ForeignKey(Reevaluation, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(MdtCase, on_delete=models.CASCADE, related_name="+")
    before = models.ForeignKey(
        RecommendationSnapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    after = models.ForeignKey(
        RecommendationSnapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=ReevaluationOutcome.choices)
    changes = models.JSONField(
        default=dict,
        help_text="primary_before, primary_after, added, removed (codes), new_cautions (codes), "
        "resectability_before and _after; for a refused case, errors (field path -> messages).",
    )

    class Meta:
        ordering = ["reevaluation", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reevaluation", "case"], name="reevaluation_case_once"),
            one_of("outcome", ReevaluationOutcome.values, "reevaluation_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} for case {str(self.case_id)[:8]}"
