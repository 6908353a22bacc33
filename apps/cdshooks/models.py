"""The EHR clients allowed to call the CDS service, the cards it issued them, and what their
clinicians did with each card (the feedback the specification lets a client send)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.constraints import one_of
from apps.core.models import BaseModel, Hospital
from apps.patients.models import MdtCase

from .choices import FeedbackOutcome, SigningAlgorithm
from .keys import load_public_keys


class CdsClient(BaseModel):
    """An EHR (CDS Hooks client) allowed to call the service: it signs each request with its
    private key, the service verifies it with the public key kept here. Its patients are
    matched to the records of its hospital only."""

    name = models.CharField(max_length=200)
    issuer = models.CharField(
        max_length=255,
        unique=True,
        help_text="The `iss` claim of the client's JWTs (usually its base URL).",
    )
    public_key = models.TextField(
        help_text="The client's public key: a PEM block, or a JWKS (JSON, keys chosen by `kid`)."
    )
    # Two flags rather than a list: the embedded SQLite default has no array column.
    accepts_es384 = models.BooleanField(
        "accepts ES384", default=True, help_text="ECDSA P-384 with SHA-384 signatures."
    )
    accepts_rs384 = models.BooleanField(
        "accepts RS384", default=False, help_text="RSA with SHA-384 signatures."
    )
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="cds_clients")
    mrn_system = models.CharField(
        max_length=255,
        blank=True,
        help_text=(
            "The identifier system of the hospital's MRNs in the client's Patient resources; "
            "blank: any identifier typed MR (v2-0203)."
        ),
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepts_es384=True) | models.Q(accepts_rs384=True),
                name="cdsclient_accepts_an_algorithm",
                violation_error_message="Accept at least one signature algorithm.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"

    @property
    def algorithms(self) -> list[str]:
        """The signature algorithms accepted from this client."""
        flags = {
            SigningAlgorithm.ES384: self.accepts_es384,
            SigningAlgorithm.RS384: self.accepts_rs384,
        }
        return [str(algorithm) for algorithm, accepted in flags.items() if accepted]

    def clean(self) -> None:
        # A key that does not load would refuse every request with a 401 the administrator
        # could not explain: refuse it here, where it is typed.
        try:
            load_public_keys(self.public_key)
        except (ValueError, TypeError, json.JSONDecodeError) as error:
            raise ValidationError({"public_key": [str(error)]}) from error


class CdsCard(BaseModel):
    """A card the service answered to an EHR, remembered so that the feedback on it can say
    what the pathway had recommended, with which version, and for which MDT case."""

    client = models.ForeignKey(CdsClient, on_delete=models.PROTECT, related_name="cards")
    hook_instance = models.CharField(max_length=100)
    primary_code = models.CharField(
        max_length=80,
        blank=True,
        help_text="The pathway's primary recommendation; blank when "
        "the card only said that inputs were missing.",
    )
    pathway_version = models.CharField(max_length=40)
    indicator = models.CharField(max_length=10)
    case = models.ForeignKey(
        MdtCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="cds_cards"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_of("indicator", ["info", "warning", "critical"], "cdscard_indicator_valid"),
        ]

    def __str__(self) -> str:
        return f"card {self.id} ({self.primary_code or 'missing inputs'})"


class CdsFeedback(BaseModel):
    """What a clinician did with a card in the EHR: accepted it, or overrode it with a reason.
    Counted beside the board's own decisions in concordance."""

    card = models.ForeignKey(CdsCard, on_delete=models.PROTECT, related_name="feedback")
    outcome = models.CharField(max_length=12, choices=FeedbackOutcome.choices)
    override_reason_system = models.CharField(max_length=255, blank=True)
    override_reason_code = models.CharField(max_length=100, blank=True)
    override_reason_display = models.CharField(max_length=255, blank=True)
    user_comment = models.TextField(blank=True, max_length=4000)
    accepted_suggestions = models.JSONField(default=list, blank=True)
    outcome_timestamp = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-outcome_timestamp"]
        constraints = [
            one_of("outcome", FeedbackOutcome.values, "cdsfeedback_outcome_valid"),
            # The same report sent twice (a retry) is one interaction, not two.
            models.UniqueConstraint(
                fields=["card", "outcome", "outcome_timestamp"], name="cdsfeedback_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} on {self.card_id}"
