"""Printable meeting summaries: the PDF of one state of a meeting, and its outcome letters."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.constraints import one_of
from apps.core.models import BaseModel
from apps.meetings.models import AgendaItem, Meeting

from .choices import SummaryStatus


class MeetingSummary(BaseModel):
    """A printable summary of a meeting, as circulated after it: one version of the PDF that
    lists who attended, each case and the board's decisions, with the outcome letters to the
    referring clinicians beside it (MeetingSummaryLetter).

    A version is the document of one state of the meeting: `data` is what it renders, read when
    it was requested, and `content_key` the SHA-256 of that data (generation time excluded), so
    asking again for an unchanged meeting finds the same row, and any change (a decision,
    attendance, the sign-off) makes a new version.
    Until the meeting is signed off the document is marked DRAFT.

    The PDF is stored in the database (`pdf`, with its SHA-256 `checksum`): the web process and
    the Celery worker then share nothing but the database, no volume. A generated document has
    no history of its own: it is never edited, and its request is audited (save_audited)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="summaries")
    version = models.PositiveIntegerField()
    data = models.JSONField(
        editable=False,
        help_text="The data rendered (summary_data), kept so that every attempt renders exactly "
        "what content_key hashes, whatever changes after the request.",
    )
    content_key = models.CharField(
        max_length=64, help_text="SHA-256 of the canonical JSON of the data rendered."
    )
    status = models.CharField(
        max_length=16, choices=SummaryStatus.choices, default=SummaryStatus.PENDING
    )
    draft = models.BooleanField(help_text="Rendered before the meeting was signed off.")
    error = models.TextField(blank=True, help_text="Why rendering failed (no patient data).")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(
        default=timezone.now,
        help_text="When this version was last asked for: set on every request that returns it, "
        "so the meeting's current summary is the one asked for last (a meeting changed and "
        "changed back returns to an earlier version).",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the PDF.")
    size = models.PositiveIntegerField(null=True, blank=True, help_text="PDF size in bytes.")

    class Meta:
        # The table it had in the meetings app, kept: moving the model rebuilt nothing.
        db_table = "meetings_meetingsummary"
        ordering = ["meeting", "version"]
        constraints = [
            one_of("status", SummaryStatus.values, "summary_status_valid"),
            models.UniqueConstraint(fields=["meeting", "version"], name="summary_version"),
            models.UniqueConstraint(fields=["meeting", "content_key"], name="summary_content_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="summary_version_positive"),
            models.CheckConstraint(
                condition=~Q(status=SummaryStatus.READY) | (Q(pdf__isnull=False) & ~Q(checksum="")),
                name="summary_ready_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"Summary v{self.version} of {self.meeting_id}"


class MeetingSummaryLetter(BaseModel):
    """The outcome letter of one agenda case to its referring clinician, rendered with the
    meeting summary it belongs to and from the same data: the board's decision, the actions and
    who tells the patient. Stored like the summary (PDF bytes and their SHA-256)."""

    summary = models.ForeignKey(MeetingSummary, on_delete=models.CASCADE, related_name="letters")
    # SET_NULL: a letter is part of a circulated document and outlives its agenda item (a case
    # taken off the agenda later); it keeps the item's id, place and patient as rendered.
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item_ref = models.UUIDField(
        help_text="The agenda item's id as rendered (its download URL), kept after the item "
        "is removed."
    )
    position = models.PositiveIntegerField(help_text="The case's place on the agenda, rendered.")
    patient = models.CharField(max_length=300, help_text="The patient's name, as rendered.")
    pdf = models.BinaryField(editable=False)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the PDF.")
    size = models.PositiveIntegerField(help_text="PDF size in bytes.")

    class Meta:
        db_table = "meetings_meetingsummaryletter"
        ordering = ["summary", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "item_ref"], name="summary_letter_once_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"Letter for {self.item_ref} in {self.summary_id}"
