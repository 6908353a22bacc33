"""Writes of meetings and their agendas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max

from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.services import assign, delete_audited, save_audited
from apps.patients.choices import CaseStatus
from apps.patients.models import MdtCase

from ..choices import MeetingStatus
from ..models import AgendaItem, Decision, Meeting
from .checks import require_member

OPEN_CASE_STATUSES = {CaseStatus.AWAITING_DISCUSSION, CaseStatus.SCHEDULED, CaseStatus.DISCUSSED}


@transaction.atomic
def meeting_create(
    *,
    hospital: Hospital,
    scheduled_for: datetime,
    actor: Any,
    title: str = "Liver MDT",
    location: str = "",
    video_link: str = "",
    chair: Any = None,
) -> Meeting:
    require_member(chair, hospital, "chair")
    meeting = Meeting(
        hospital=hospital,
        title=title,
        scheduled_for=scheduled_for,
        location=location,
        video_link=video_link,
        chair=chair,
    )
    save_audited(meeting, actor=actor, clean=True)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, data: dict[str, Any], actor: Any) -> Meeting:
    if meeting.status == MeetingStatus.CLOSED and data:
        raise ApplicationError(
            "The meeting is closed.",
            errors={"status": ["A closed meeting is a finished record."]},
            status=409,
        )
    if "chair" in data:
        require_member(data["chair"], meeting.hospital, "chair")
    if data.get("status") == MeetingStatus.CLOSED:
        raise ApplicationError(
            "A meeting closes when its chair signs it off.",
            errors={"status": ["POST to the meeting's sign-off address to close it."]},
        )
    if (
        data.get("status") == MeetingStatus.SCHEDULED
        and meeting.status == MeetingStatus.IN_PROGRESS
        and Decision.objects.filter(agenda_item__meeting=meeting).exists()
    ):
        raise ApplicationError(
            "Decisions have been recorded: the meeting has started.",
            errors={"status": ["A meeting with decisions cannot go back to scheduled."]},
            status=409,
        )
    if assign(meeting, data):
        save_audited(meeting, actor=actor, clean=True)
    return meeting


@transaction.atomic
def meeting_delete(*, meeting: Meeting, actor: Any) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ApplicationError(
            "Only a meeting that has not started can be deleted.",
            errors={"status": ["The meeting has started or closed."]},
            status=409,
        )
    if AgendaItem.objects.filter(moved_to=meeting).exists():
        raise ApplicationError(
            "Cases moved to this meeting from an earlier one: the earlier record points here.",
            errors={"": ["Change its date or details instead."]},
            status=409,
        )
    for item in meeting.agenda_items.select_related("case"):
        agenda_item_remove(item=item, actor=actor)
    delete_audited(meeting, actor=actor)


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, case: MdtCase, actor: Any, presenter: Any = None, question: str = ""
) -> AgendaItem:
    if case.patient.hospital_id != meeting.hospital_id:
        raise ApplicationError("Unknown case.", errors={"case": ["Not a case of this hospital."]})
    require_member(presenter, meeting.hospital, "presenter")
    if meeting.status == MeetingStatus.CLOSED:
        raise ApplicationError(
            "The meeting is closed.", errors={"meeting": ["A closed meeting's agenda is final."]}
        )
    if case.status not in OPEN_CASE_STATUSES:
        raise ApplicationError(
            "The case is not open.",
            errors={"case": [f"The case is {case.get_status_display().lower()}."]},
        )
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # serialise positions
    if meeting.agenda_items.filter(case=case).exists():
        raise ApplicationError(
            "Already on the agenda.", errors={"case": ["The case is already on this agenda."]}
        )
    top = meeting.agenda_items.aggregate(top=Max("position"))["top"]
    item = AgendaItem(
        meeting=meeting,
        case=case,
        presenter=presenter,
        question=question,
        position=(top or 0) + 1,
    )
    save_audited(item, actor=actor)
    if case.status == CaseStatus.AWAITING_DISCUSSION:
        case.status = CaseStatus.SCHEDULED
        save_audited(case, actor=actor)
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, data: dict[str, Any], actor: Any) -> AgendaItem:
    """Change who presents a case or the question put to the board (blank: the case's own)."""
    if item.meeting.status == MeetingStatus.CLOSED:
        raise ApplicationError(
            "The meeting is closed.",
            errors={"meeting": ["A closed meeting's agenda is final."]},
            status=409,
        )
    if "presenter" in data:
        require_member(data["presenter"], item.meeting.hospital, "presenter")
    if assign(item, data):
        save_audited(item, actor=actor, clean=True)
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: Any) -> None:
    if item.meeting.status == MeetingStatus.CLOSED:
        raise ApplicationError(
            "The meeting is closed.", errors={"meeting": ["A closed meeting's agenda is final."]}
        )
    if item.decisions.exists() or item.votes.exists() or item.actions.exists():
        raise ApplicationError(
            "The case has been discussed at this meeting: its record stays on the agenda.",
            errors={"": ["Votes, a decision or actions are recorded for this agenda case."]},
            status=409,
        )
    if item.moved_to_id is not None:
        raise ApplicationError(
            "The case moved to a later meeting from here: the move stays on the record.",
            errors={"": ["Take the case off the later meeting's agenda instead."]},
            status=409,
        )
    case = item.case
    delete_audited(item, actor=actor)
    still_scheduled = case.agenda_items.exclude(meeting__status=MeetingStatus.CLOSED).exists()
    if case.status == CaseStatus.SCHEDULED and not still_scheduled:
        case.status = CaseStatus.AWAITING_DISCUSSION
        save_audited(case, actor=actor)
