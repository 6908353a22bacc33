"""MDT meetings and their agendas."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.constraints import one_of
from apps.core.models import BaseModel, Hospital
from apps.patients.models import MdtCase

from .choices import MeetingStatus


class Meeting(BaseModel):
    """A sitting of the liver MDT: when and where, who chairs it, and how far it has got."""

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
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for"]
        constraints = [one_of("status", MeetingStatus.values, "meeting_status_valid")]

    def __str__(self) -> str:
        return f"{self.title} {self.scheduled_for:%Y-%m-%d %H:%M}"


class AgendaItem(BaseModel):
    """A case on a meeting's agenda, in order, with who presents it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    case = models.ForeignKey(MdtCase, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"], name="agenda_case_once_per_meeting"
            ),
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: #{self.position}"
