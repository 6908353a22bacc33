"""Rules every meeting service shares: who the chair is, who belongs to the hospital, and what a
meeting's state allows."""

from __future__ import annotations

import datetime
from typing import Any

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.roles import has_role, user_hospital

from ..choices import MeetingStatus
from ..models import AgendaItem, Meeting


def lock_meeting(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock, so that writes to one meeting (sign-off above all)
    happen one after another and each sees the state the previous one left."""
    # of=("self",): the chair is a nullable join, which PostgreSQL cannot lock.
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("chair").get(pk=meeting.pk)
    )


def lock_item(item: AgendaItem) -> AgendaItem:
    """Re-read the agenda item under its meeting's row lock and then its own (the order every
    meeting write takes: meeting, item, case), with its case, and the locked meeting attached.
    A write that waited behind the chair's sign-off then sees the meeting closed."""
    meeting = lock_meeting(item.meeting)
    locked = (
        AgendaItem.objects.select_for_update(of=("self",)).select_related("case").get(pk=item.pk)
    )
    locked.meeting = meeting
    return locked


def person_name(user: Any) -> str:
    """Someone as messages name them: by name, the username only when they have none."""
    return str(user.get_full_name() or user.get_username())


def require_chair(meeting: Meeting, user: Any, doing: str) -> None:
    """Only the meeting's chair may `doing` (e.g. "sign the meeting off")."""
    if meeting.chair_id is None:
        raise ApplicationError(
            f"The meeting has no chair: only its chair may {doing}.",
            errors={"chair": ["Set the meeting's chair first."]},
            status=409,
        )
    if meeting.chair_id != user.pk:
        raise ApplicationError(
            f"Only the meeting's chair may {doing}.",
            errors={"": [f"The chair is {person_name(meeting.chair)}."]},
            status=403,
        )


def require_member(user: Any, hospital: Hospital, path: str) -> None:
    """A user named in a write (chair, presenter, owner...) must belong to the hospital; the
    error is reported at `path`. None, for "nobody", passes."""
    if user is not None and user_hospital(user) != hospital:
        raise ApplicationError("Unknown user.", errors={path: ["Not a member of this hospital."]})


def nurse_only(user: Any) -> bool:
    """A nurse specialist without a coordinator's or clinician's role: they record that the
    patient was told and mark actions done, and nothing else."""
    return has_role(user, Role.NURSE_SPECIALIST) and not has_role(
        user, Role.COORDINATOR, Role.CLINICIAN
    )


def require_nurse_may(user: Any, fields: set[str], allowed: set[str], doing: str) -> None:
    """Refuse (403) a nurse specialist's write of anything beyond `allowed`."""
    beyond = sorted(fields - allowed)
    if beyond and nurse_only(user):
        raise ApplicationError(
            f"A nurse specialist may {doing}, and nothing else here.",
            errors={field: ["Your role does not allow changing this."] for field in beyond},
            status=403,
        )


def require_not_signed_off(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise ApplicationError(
            "The meeting is signed off: its record is final.",
            errors={"meeting": ["A signed-off meeting's decisions change only by amendment."]},
            status=409,
        )


def require_in_progress(meeting: Meeting, doing: str) -> None:
    """Decisions are made at the meeting: it must have started and not be signed off."""
    require_not_signed_off(meeting)
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise ApplicationError(
            f"The meeting has not started: start it before you {doing}.",
            errors={"meeting": ['PATCH the meeting with {"status": "in_progress"} first.']},
            status=409,
        )


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The date `count` working days (Monday to Friday) after `day`. Public holidays differ by
    hospital and are not known here; the date can be changed by hand."""
    current = day
    remaining = count
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
