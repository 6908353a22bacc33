"""MDT meetings: the agenda, who attended, the liver surgeons' independent resectability votes,
and the board's decisions with their actions and versions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.choices import Specialty
from apps.core.constraints import one_of
from apps.core.models import BaseModel, Hospital
from apps.patients.models import MdtCase
from apps.recommendations.choices import Resectability
from apps.recommendations.models import RecommendationSnapshot

from .choices import (
    OTHER_TREATMENT,
    Agreement,
    DepartureReason,
    Intent,
    MeetingStatus,
    PostponementReason,
    TreatmentMatch,
    TreatmentVarianceReason,
)


class Meeting(BaseModel):
    """A sitting of the liver MDT: when and where, who chairs it, how far it has got, and its
    sign-off by the chair, after which its decisions are the clinical record."""

    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200, default="Liver MDT")
    scheduled_for = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the meeting was started (its actual start)."
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    current_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The case the room is discussing now (presentation mode).",
    )
    current_item_since = models.DateTimeField(
        null=True, blank=True, help_text="When the current case came up."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for"]
        indexes = [
            # Every list of meetings is one hospital's, by date (and concordance by date range).
            models.Index(fields=["hospital", "scheduled_for"], name="meeting_hospital_date"),
        ]
        constraints = [
            one_of("status", MeetingStatus.values, "meeting_status_valid"),
            # Closed means signed off, and only a closed meeting is signed off.
            models.CheckConstraint(
                condition=(
                    Q(status=MeetingStatus.CLOSED, signed_off_at__isnull=False)
                    | (~Q(status=MeetingStatus.CLOSED) & Q(signed_off_at__isnull=True))
                ),
                name="meeting_closed_when_signed_off",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.scheduled_for:%Y-%m-%d %H:%M}"


class AgendaItem(BaseModel):
    """A case on a meeting's agenda, in order: who presents it, the question put to the board,
    whether it was postponed (why, by whom, when) and the later meeting it moved to, the earlier
    meeting's agenda case it was carried from, when the surgeons' votes were revealed, and the
    follow-up of telling the patient and the referring clinician.

    A postponed case with no later meeting yet (`moved_to` empty on a signed-off meeting) is
    waiting for a meeting: the next agenda it is put on links back to it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    case = models.ForeignKey(MdtCase, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    question = models.TextField(
        blank=True, help_text="The question to the board; blank means the case's question."
    )
    moved_to = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The later meeting the case moved to, undiscussed here.",
    )
    postponement_reason = models.CharField(
        max_length=32,
        choices=PostponementReason.choices,
        blank=True,
        help_text="Why the case was not discussed here; blank when it was not postponed.",
    )
    postponement_detail = models.TextField(
        blank=True, help_text="The reason in words (required for other)."
    )
    postponed_at = models.DateTimeField(null=True, blank=True)
    postponed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carried_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        help_text="The earlier meeting's agenda case this one was carried from, undiscussed.",
    )
    added_not_ready = models.BooleanField(
        default=False, help_text="The case's readiness checklist was not complete when added."
    )
    readiness_missing = models.JSONField(
        default=list,
        blank=True,
        help_text="The checklist items not current when the case was added (code, state, words).",
    )
    votes_revealed_at = models.DateTimeField(null=True, blank=True)
    votes_revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    patient_informer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who tells the patient the decision.",
    )
    inform_patient_by = models.DateField(null=True, blank=True)
    patient_informed_at = models.DateTimeField(null=True, blank=True)
    referrer_informed_at = models.DateTimeField(null=True, blank=True)
    # The time the board spent on the case: when its discussion first began, when it last
    # ended, and how long it was the current case in all (it may come up more than once).
    discussion_started_at = models.DateTimeField(null=True, blank=True)
    discussion_ended_at = models.DateTimeField(null=True, blank=True)
    discussion_seconds = models.PositiveIntegerField(
        default=0, help_text="Seconds the case was the one under discussion, in all."
    )
    letter_note = models.TextField(
        blank=True,
        help_text="A personal paragraph of the coordinator's for the outcome letter.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        indexes = [
            # The board's numbers and the concordance count a range of meetings' agenda cases:
            # with the columns they read in the index, a year's meetings are read from it
            # (index only) rather than by a scan of every agenda of ten years, which the
            # planner prefers to a probe of the plain meeting index for each meeting. Key
            # columns rather than INCLUDE, which SQLite (`make run`) lacks.
            models.Index(
                fields=[
                    "meeting",
                    "moved_to",
                    "id",
                    "case",
                    "votes_revealed_at",
                    "added_not_ready",
                    "postponement_reason",
                    "discussion_seconds",
                ],
                name="agenda_meeting_counted",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"], name="agenda_case_once_per_meeting"
            ),
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique"),
            one_of(
                "postponement_reason",
                [*PostponementReason.values, ""],
                "agenda_postponement_reason_valid",
            ),
            # A postponement says who and when; "other" says why in words.
            models.CheckConstraint(
                condition=Q(postponement_reason="", postponed_at__isnull=True)
                | (~Q(postponement_reason="") & Q(postponed_at__isnull=False)),
                name="agenda_postponement_when",
            ),
            models.CheckConstraint(
                condition=~Q(postponement_reason=PostponementReason.OTHER)
                | ~Q(postponement_detail=""),
                name="agenda_postponement_other_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: #{self.position}"

    @property
    def board_question(self) -> str:
        return self.question or self.case.question

    @property
    def postponed(self) -> bool:
        return bool(self.postponement_reason)


class Attendance(BaseModel):
    """Someone present at a meeting, with the specialty they sit in for. Staff are linked to
    their account; a guest without one (a visiting clinician) is recorded by name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True, help_text="For a guest without account.")
    specialty = models.CharField(max_length=40, choices=Specialty.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "created_at"]
        constraints = [
            one_of("specialty", Specialty.values, "attendance_specialty_valid"),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="attendance_user_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="attendance_user_or_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.name} ({self.specialty}) at {self.meeting}"


class ResectabilityVote(BaseModel):
    """A liver surgeon's own call on a case's resectability, made before the discussion and
    hidden from the others until the chair reveals the votes: expert surgeons disagree on
    resectability often enough that independent calls are worth recording."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    call = models.CharField(max_length=24, choices=Resectability.choices)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "created_at"]
        constraints = [
            one_of("call", Resectability.values, "vote_call_valid"),
            models.UniqueConstraint(
                fields=["agenda_item", "surgeon"], name="vote_once_per_surgeon"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} by {self.surgeon_id} on {self.agenda_item_id}"


class Decision(BaseModel):
    """One version of the board's decision on an agenda case: the plan (pathway codes and/or
    free text), the intent, how it stands to the recommendation snapshot it was made against and
    why, and whether the meeting was quorate when it was recorded.

    Version 1 is a draft until the chair signs the meeting off; `revision` counts its edits so
    that a stale edit is refused rather than silently overwriting another. Once signed, a version
    never changes: an amendment is a new version with its reason and author, and every version
    stays readable.
    """

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    version = models.PositiveSmallIntegerField(default=1)
    recommendation = models.ForeignKey(
        RecommendationSnapshot, on_delete=models.PROTECT, related_name="decisions"
    )
    plan_codes = models.JSONField(
        default=list, blank=True, help_text="Codes of the recommendation snapshot adopted."
    )
    plan_text = models.TextField(blank=True)
    intent = models.CharField(max_length=16, choices=Intent.choices)
    agreement = models.CharField(max_length=16, choices=Agreement.choices)
    departure_reason = models.CharField(max_length=32, choices=DepartureReason.choices, blank=True)
    departure_detail = models.TextField(blank=True)
    listed_not_discussed = models.BooleanField(
        default=False,
        help_text="Listed as standard of care: the pathway's primary recommendation, undiscussed.",
    )
    quorate = models.BooleanField(help_text="Whether the meeting was quorate when recorded.")
    rediscuss_on = models.DateField(
        null=True,
        blank=True,
        help_text="The board asks for the case back on or after this day (e.g. to restage).",
    )
    rediscuss_reason = models.CharField(
        max_length=200, blank=True, help_text='Why, in short ("restage after 4 cycles").'
    )
    amendment_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "version"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "version"], name="decision_version"),
            one_of("intent", Intent.values, "decision_intent_valid"),
            one_of("agreement", Agreement.values, "decision_agreement_valid"),
            one_of("departure_reason", [*DepartureReason.values, ""], "decision_reason_valid"),
            models.CheckConstraint(
                condition=Q(agreement=Agreement.AGREE)
                | (~Q(departure_reason="") & ~Q(departure_detail="")),
                name="decision_departure_explained",
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(amendment_reason=""),
                name="decision_amendment_explained",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="decision_version_positive"),
            models.CheckConstraint(
                condition=Q(rediscuss_on__isnull=True, rediscuss_reason="")
                | (Q(rediscuss_on__isnull=False) & ~Q(rediscuss_reason="")),
                name="decision_rediscussion_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision v{self.version} on {self.agenda_item_id}"


class DecisionAction(BaseModel):
    """Something the board asked to be done for a case (book a scan, refer to a trial...), who
    owns it, by when, and when it was done. Actions belong to the agenda case, not to a decision
    version, so that an amendment keeps them; they are tracked after sign-off."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "due_on", "created_at"]
        indexes = [
            # A user's open actions: the few not done, not the years of done ones.
            models.Index(
                fields=["owner", "due_on", "created_at"],
                condition=Q(done_at__isnull=True),
                name="action_open_by_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description[:40]} (due {self.due_on})"


class TreatmentGiven(BaseModel):
    """What was actually started after the board's signed decision on an agenda case: the
    treatment (one of the decision's plan codes, or another described in words), the day it
    started, and whether it is what the board decided; when it is not, or when nothing was
    started (the patient died, say), the coded reason. One record per agenda case, corrected
    in place; its history keeps every earlier state. `decision` is the version it was compared
    with (the current one when recorded)."""

    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="treatment_given"
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    started = models.BooleanField(default=True, help_text="False: no treatment was started.")
    treatment_code = models.CharField(
        max_length=64, blank=True, help_text='A plan code of the decision, or "other".'
    )
    treatment_other = models.CharField(
        max_length=500, blank=True, help_text='The treatment, in words, when "other".'
    )
    started_on = models.DateField(null=True, blank=True)
    matches = models.CharField(max_length=8, choices=TreatmentMatch.choices)
    reason = models.CharField(max_length=32, choices=TreatmentVarianceReason.choices, blank=True)
    reason_detail = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            one_of("matches", TreatmentMatch.values, "treatment_matches_valid"),
            one_of("reason", [*TreatmentVarianceReason.values, ""], "treatment_reason_valid"),
            # Started: what and when; not started: neither, and not as decided.
            models.CheckConstraint(
                condition=(Q(started=True, started_on__isnull=False) & ~Q(treatment_code=""))
                | Q(
                    started=False,
                    started_on__isnull=True,
                    treatment_code="",
                    treatment_other="",
                    matches=TreatmentMatch.NO,
                ),
                name="treatment_started_described",
            ),
            models.CheckConstraint(
                condition=~Q(treatment_code=OTHER_TREATMENT) | ~Q(treatment_other=""),
                name="treatment_other_described",
            ),
            # As decided: no reason; otherwise a reason, and "other" in words.
            models.CheckConstraint(
                condition=Q(matches=TreatmentMatch.YES, reason="")
                | (~Q(matches=TreatmentMatch.YES) & ~Q(reason="")),
                name="treatment_variance_explained",
            ),
            models.CheckConstraint(
                condition=~Q(reason=TreatmentVarianceReason.OTHER) | ~Q(reason_detail=""),
                name="treatment_other_reason_described",
            ),
        ]

    def __str__(self) -> str:
        return f"Treatment given on {self.agenda_item_id}"
