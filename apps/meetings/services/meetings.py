"""Writes of meetings and their agendas.

Each write locks the meeting's row first (then the agenda item's, then the case's: the order
every meeting service takes) and checks the meeting's state on that fresh read, so that a change
racing the chair's sign-off either lands before it or finds the meeting closed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.roles import has_role
from apps.core.services import assign, delete_audited, save_audited
from apps.patients.choices import CaseStatus
from apps.patients.models import MdtCase
from apps.readiness.selectors import case_readiness

from ..choices import MeetingStatus
from ..models import AgendaItem, Attendance, Decision, Meeting
from .checks import (
    lock_item,
    lock_meeting,
    person_name,
    require_member,
    require_not_signed_off,
)
from .presenting import presentation_close
from .waiting import link_waiting_postponement

OPEN_CASE_STATUSES = {CaseStatus.AWAITING_DISCUSSION, CaseStatus.SCHEDULED, CaseStatus.DISCUSSED}


def _check_chair(chair: Any, meeting: Meeting | None, hospital: Hospital) -> None:
    """The chair reveals votes, lists standard of care and signs the record off: a clinician of
    the hospital. Once the meeting has started, one of the clinicians present (so that nobody
    takes the chair from outside the room, a coordinator least of all)."""
    if chair is None:
        return
    require_member(chair, hospital, "chair")
    if not has_role(chair, Role.CLINICIAN):
        raise ApplicationError(
            "The chair must be a clinician.",
            errors={"chair": [f"{person_name(chair)} does not have the clinician role."]},
        )
    if (
        meeting is not None
        and meeting.status == MeetingStatus.IN_PROGRESS
        and not Attendance.objects.filter(meeting=meeting, user=chair).exists()
    ):
        raise ApplicationError(
            "Once the meeting has started, its chair is one of those present.",
            errors={"chair": [f"{person_name(chair)} is not on the attendance."]},
        )


# A meeting's date is within this many years of today: anything further is a typing slip, and the
# ends of the calendar do not survive a time-zone conversion.
SCHEDULE_WINDOW_YEARS = 10


def _check_date(scheduled_for: datetime) -> None:
    window = timedelta(days=365 * SCHEDULE_WINDOW_YEARS)
    now = timezone.now()
    try:
        within = now - window <= scheduled_for <= now + window
    except (TypeError, OverflowError):  # naive, or beyond the calendar once in UTC
        within = False
    if not within:
        raise ApplicationError(
            "Invalid meeting date.",
            errors={"scheduled_for": [f"Must be within {SCHEDULE_WINDOW_YEARS} years of today."]},
        )


def _set_case_status(case: MdtCase, status: str, actor: Any) -> None:
    """Move the case to `status` on a locked, fresh read of its row: saving an older copy would
    write back its facts_updated_at, and a stale recommendation would look current."""
    locked = MdtCase.objects.select_for_update(no_key=True).get(pk=case.pk)
    if locked.status != status:
        locked.status = status
        save_audited(locked, actor=actor)
    case.status = status


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
    _check_chair(chair, None, hospital)
    _check_date(scheduled_for)
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
    meeting = lock_meeting(meeting)
    if data:
        require_not_signed_off(meeting)
    if "chair" in data and data["chair"] != meeting.chair:
        _check_chair(data["chair"], meeting, meeting.hospital)
    # A meeting in progress keeps a chair: only the chair reveals the votes and signs off.
    status_after = data.get("status", meeting.status)
    chair_after = data.get("chair", meeting.chair)
    if status_after == MeetingStatus.IN_PROGRESS and "chair" in data and chair_after is None:
        raise ApplicationError(
            "A meeting in progress keeps its chair: only the chair reveals the votes and signs "
            "the meeting off.",
            errors={"chair": ["Name another chair instead of none."]},
            status=409,
        )
    if "scheduled_for" in data and data["scheduled_for"] != meeting.scheduled_for:
        _check_date(data["scheduled_for"])
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
    if (
        data.get("status") == MeetingStatus.IN_PROGRESS
        and meeting.status == MeetingStatus.SCHEDULED
        and meeting.started_at is None
    ):
        data = {**data, "started_at": timezone.now()}  # the record keeps the actual start
    if data.get("status") == MeetingStatus.SCHEDULED and meeting.status != MeetingStatus.SCHEDULED:
        presentation_close(meeting, actor=actor, now=timezone.now())
        data = {**data, "started_at": None}
    if assign(meeting, data):
        save_audited(meeting, actor=actor, clean=True)
    return meeting


# Starting more than this long before the scheduled time is worth a second look.
EARLY_START = timedelta(hours=1)


def meeting_start_warning(meeting: Meeting, *, now: datetime | None = None) -> str:
    """Why starting the meeting now deserves a second look (it is well before its scheduled
    time, perhaps the wrong meeting), or "" when it does not."""
    now = now or timezone.now()
    if meeting.status != MeetingStatus.SCHEDULED or now >= meeting.scheduled_for - EARLY_START:
        return ""
    scheduled = timezone.localtime(meeting.scheduled_for)
    days = (scheduled.date() - timezone.localdate(now)).days
    when = (
        f"{days} days from now"
        if days > 1
        else ("tomorrow" if days == 1 else f"at {scheduled:%H:%M} today")
    )
    return (
        f"This meeting is scheduled for {scheduled:%A %-d %B %Y, %H:%M}, {when}. Starting it "
        "now records its decisions with today's time: check that it is the meeting in the room."
    )


@transaction.atomic
def meeting_delete(*, meeting: Meeting, actor: Any) -> None:
    meeting = lock_meeting(meeting)
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
    for item in meeting.agenda_items.select_related("case", "meeting"):
        agenda_item_remove(item=item, actor=actor)
    delete_audited(meeting, actor=actor)


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    case: MdtCase,
    actor: Any,
    presenter: Any = None,
    question: str = "",
    carried_from: AgendaItem | None = None,
) -> AgendaItem:
    """Put the case on the agenda, last. `carried_from` is the earlier meeting's agenda case it
    comes from undiscussed (services.agenda_moves); otherwise a case waiting for a meeting is
    linked to its postponement (services.waiting)."""
    if case.patient.hospital_id != meeting.hospital_id:
        raise ApplicationError("Unknown case.", errors={"case": ["Not a case of this hospital."]})
    require_member(presenter, meeting.hospital, "presenter")
    meeting = lock_meeting(meeting)  # also serialises the positions
    require_not_signed_off(meeting)
    if case.status not in OPEN_CASE_STATUSES:
        raise ApplicationError(
            "The case is not open.",
            errors={"case": [f"The case is {case.get_status_display().lower()}."]},
        )
    if meeting.agenda_items.filter(case=case).exists():
        raise ApplicationError(
            "Already on the agenda.", errors={"case": ["The case is already on this agenda."]}
        )
    top = meeting.agenda_items.aggregate(top=Max("position"))["top"]
    # A case not ready may still go on the agenda (the board may want it anyway); it is
    # recorded as added not ready, with what was missing, and the answer warns.
    readiness = case_readiness(case=case, on=timezone.localdate(meeting.scheduled_for))
    item = AgendaItem(
        meeting=meeting,
        case=case,
        presenter=presenter,
        question=question,
        position=(top or 0) + 1,
        carried_from=carried_from,
        added_not_ready=not readiness.ready,
        readiness_missing=readiness.snapshot(),
    )
    save_audited(item, actor=actor)
    item.readiness = readiness
    if carried_from is None:
        link_waiting_postponement(item=item, actor=actor)
    if case.status == CaseStatus.AWAITING_DISCUSSION:
        _set_case_status(case, CaseStatus.SCHEDULED, actor)
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, data: dict[str, Any], actor: Any) -> AgendaItem:
    """Change who presents a case or the question put to the board (blank: the case's own),
    or the coordinator's personal paragraph for its outcome letter (`letter_note`), which may
    change after sign-off too: letters are written after the meeting."""
    item = lock_item(item)
    if set(data) - {"letter_note"}:
        require_not_signed_off(item.meeting)
    if "letter_note" in data:
        if item.moved_to_id is not None:
            raise ApplicationError(
                "The case moved to a later meeting: its letter is written after that one.",
                errors={"letter_note": ["Write it on the later meeting's agenda case."]},
                status=409,
            )
        data = {**data, "letter_note": data["letter_note"].strip()}
    if "presenter" in data:
        require_member(data["presenter"], item.meeting.hospital, "presenter")
    if assign(item, data):
        save_audited(item, actor=actor, clean=True)
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: Any) -> None:
    item = lock_item(item)
    require_not_signed_off(item.meeting)
    if item.decisions.exists() or item.votes.exists() or item.actions.exists():
        raise ApplicationError(
            "The case has been discussed at this meeting: its record stays on the agenda.",
            errors={"": ["Votes, a decision or actions are recorded for this agenda case."]},
            status=409,
        )
    if item.moved_to_id is not None:
        raise ApplicationError(
            "The case moved to a later meeting from here: the move stays on the record.",
            errors={"": ["The case's history shows where it went."]},
            status=409,
        )
    if AgendaItem.objects.filter(moved_to=item.meeting, case=item.case).exists():
        raise ApplicationError(
            "The case moved here from an earlier meeting, whose record points to this one.",
            errors={"": ["Move it on to a later meeting instead (POST .../move/)."]},
            status=409,
        )
    case = item.case
    delete_audited(item, actor=actor)
    still_scheduled = case.agenda_items.exclude(meeting__status=MeetingStatus.CLOSED).exists()
    if case.status == CaseStatus.SCHEDULED and not still_scheduled:
        _set_case_status(case, CaseStatus.AWAITING_DISCUSSION, actor)


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, item_ids: list[Any], actor: Any) -> list[AgendaItem]:
    """Put the agenda in the given order: `item_ids` names every item of the meeting once."""
    meeting = lock_meeting(meeting)
    require_not_signed_off(meeting)
    items = {
        item.pk: item for item in AgendaItem.objects.select_for_update().filter(meeting=meeting)
    }
    errors = [
        f"Item {index} is not on this meeting's agenda."
        for index, item_id in enumerate(item_ids)
        if item_id not in items
    ]
    if len(set(item_ids)) != len(item_ids):
        errors.append("An item is listed twice.")
    missing = len(set(items) - set(item_ids))
    if missing:
        errors.append(f"{missing} of the agenda's items are left out: list every item once.")
    if errors:
        raise ApplicationError(
            "Invalid input: see the errors for each field.", errors={"items": errors}
        )
    # Out of the way first, in one statement (the positions are unique), then each item to its
    # place, audited: its history goes from its old position to its new one.
    top = max((item.position for item in items.values()), default=0)
    AgendaItem.objects.filter(meeting=meeting).update(position=F("position") + top)
    ordered = [items[item_id] for item_id in item_ids]
    for position, item in enumerate(ordered, start=1):
        changed = item.position != position
        item.position = position
        if changed:
            save_audited(item, actor=actor)
        else:
            AgendaItem.objects.filter(pk=item.pk).update(position=position)
    return ordered
