"""The liver expert panel's records: panels and their members, the cases sent to a panel, and
each assigned surgeon's review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.constraints import between, one_of
from apps.core.models import BaseModel, Hospital
from apps.patients.models import MdtCase
from apps.recommendations.models import RecommendationSnapshot

from .choices import Disagreement, PanelCategory, ReferralStatus

REVIEW_DAYS_DEFAULT = 7
REREVIEW_WEEKS_DEFAULT = 8


class ExpertPanel(BaseModel):
    """A liver expert panel (a regional panel, say): liver surgeons of several hospitals who
    review the resectability of the cases the member hospitals send them, independently and
    between meetings. An administrator manages it."""

    name = models.CharField(max_length=200)
    code = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Short code, unique; it starts each referral's pseudonym.",
    )
    hospitals = models.ManyToManyField(
        Hospital,
        related_name="expert_panels",
        blank=True,
        help_text="The hospitals whose coordinators may send cases to this panel.",
    )
    review_days = models.PositiveSmallIntegerField(
        default=REVIEW_DAYS_DEFAULT, help_text="Days the reviewers have, by default."
    )
    rereview_weeks = models.PositiveSmallIntegerField(
        default=REREVIEW_WEEKS_DEFAULT,
        help_text="Weeks before a case on chemotherapy is reviewed again, by default.",
    )
    # The last referral number given: each referral's pseudonym is the code and the next number.
    last_number = models.PositiveIntegerField(default=0, editable=False)
    active = models.BooleanField(default=True)
    history = HistoricalRecords(excluded_fields=["last_number"])

    class Meta:
        ordering = ["name"]
        constraints = [
            between("review_days", 1, 90, "panel_review_days_range"),
            between("rereview_weeks", 1, 52, "panel_rereview_weeks_range"),
        ]

    def __str__(self) -> str:
        return self.name


class PanelMember(BaseModel):
    """A surgeon on a panel's roster, of whichever hospital; the chair writes the panel's
    conclusions. An inactive member keeps their reviews and is drawn no more."""

    panel = models.ForeignKey(ExpertPanel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships"
    )
    is_chair = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["panel", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once"),
            models.UniqueConstraint(
                fields=["panel"], condition=Q(is_chair=True), name="panel_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.panel}"


class PanelReferral(BaseModel):
    """A case sent to a panel with a question: one round of independent reviews and the
    panel's conclusion. The reviewers read the recommendation snapshot taken when it was sent
    (the facts as the pathway read them, pseudonymised), so every review is of the same case.

    The draw of reviewers is recorded in `draws` (each stage's seed, the candidates with their
    open reviews, and who was drawn) and replays exactly (`draw.draw_reviewers`)."""

    panel = models.ForeignKey(ExpertPanel, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey(MdtCase, on_delete=models.PROTECT, related_name="panel_referrals")
    pseudonym = models.CharField(max_length=60, unique=True)
    snapshot = models.ForeignKey(
        RecommendationSnapshot, on_delete=models.PROTECT, related_name="panel_referrals"
    )
    question = models.TextField(max_length=2000)
    referring_surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Never drawn as a reviewer of this case.",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=24, choices=ReferralStatus.choices, default=ReferralStatus.IN_REVIEW
    )
    draws = models.JSONField(default=list, blank=True)
    reviews_complete_at = models.DateTimeField(null=True, blank=True)
    # Of the first three reviews (blank until they are all in).
    disagreement = models.CharField(max_length=8, choices=Disagreement.choices, blank=True)
    # The category most reviewers chose once every review is in; blank when tied (the chair
    # chooses between the tied categories).
    majority_category = models.CharField(max_length=24, choices=PanelCategory.choices, blank=True)
    conclusion_category = models.CharField(max_length=24, choices=PanelCategory.choices, blank=True)
    conclusion_plan = models.JSONField(null=True, blank=True)
    conclusion_note = models.TextField(max_length=4000, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    rereview_on = models.DateField(
        null=True, blank=True, help_text="Review the case again on this day (on chemotherapy)."
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rereview",
        help_text="The earlier round this one reviews again.",
    )
    history = HistoricalRecords(excluded_fields=["draws"])

    class Meta:
        ordering = ["-referred_at"]
        indexes = [models.Index(fields=["case", "-referred_at"], name="panel_referral_case")]
        constraints = [
            one_of("status", ReferralStatus.values, "panel_referral_status_valid"),
            one_of("disagreement", [*Disagreement.values, ""], "panel_disagreement_valid"),
            one_of("majority_category", [*PanelCategory.values, ""], "panel_majority_valid"),
            one_of("conclusion_category", [*PanelCategory.values, ""], "panel_conclusion_valid"),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.CONCLUDED)
                | (~Q(conclusion_category="") & Q(concluded_at__isnull=False)),
                name="panel_concluded_has_conclusion",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def reviews_revealed(self) -> bool:
        """Every assigned review is in: the round is closed and the reviews can be read."""
        return self.reviews_complete_at is not None

    @property
    def turnaround_days(self) -> int | None:
        if self.concluded_at is None:
            return None
        return (self.concluded_at - self.referred_at).days


class PanelReview(BaseModel):
    """One assigned surgeon's review of a case sent to the panel: drawn in the first stage
    (three) or the escalation (two more), then, once submitted, the category and the local plan
    (`plan`: per lesion, resection or ablation and segments; the strategy and PVE), blind to the
    other reviews until every review is in."""

    referral = models.ForeignKey(PanelReferral, on_delete=models.CASCADE, related_name="reviews")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="reviews")
    stage = models.PositiveSmallIntegerField(
        default=1, help_text="1: the first three; 2: the two added when they disagreed."
    )
    category = models.CharField(max_length=24, choices=PanelCategory.choices, blank=True)
    plan = models.JSONField(null=True, blank=True)
    note = models.TextField(max_length=4000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When e-mailed.")
    history = HistoricalRecords(excluded_fields=["notified_at"])

    class Meta:
        ordering = ["referral", "stage", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "member"], name="panel_review_once"),
            one_of("category", [*PanelCategory.values, ""], "panel_review_category_valid"),
            between("stage", 1, 2, "panel_review_stage_range"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(category=""),
                name="panel_review_submitted_has_category",
            ),
        ]
        indexes = [
            models.Index(
                fields=["member"], condition=Q(submitted_at__isnull=True), name="panel_review_open"
            )
        ]

    def __str__(self) -> str:
        return f"Review by {self.member_id} of {self.referral_id}"
