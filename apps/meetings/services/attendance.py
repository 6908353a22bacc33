"""Writes of a meeting's attendance: who sits in for which specialty. Attendance decides the
quorum, and a liver surgeon's attendance is what lets them vote on resectability, so both are
kept on the record (audited) and frozen once the meeting is signed off."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.core.choices import Specialty
from apps.core.exceptions import ApplicationError
from apps.core.services import delete_audited, save_audited

from ..models import Attendance, Decision, Meeting, ResectabilityVote
from .checks import lock_meeting, person_name, require_member, require_not_signed_off

# A specialty that says nothing about which part of the board someone stands for.
_UNINFORMATIVE_SPECIALTIES = {"", Specialty.OTHER}


@transaction.atomic
def attendance_add(
    *,
    meeting: Meeting,
    actor: Any,
    user: Any = None,
    name: str = "",
    specialty: str | None = None,
) -> Attendance:
    """Record a colleague (`user`) or a guest without an account (`name`) as present.

    A colleague's specialty defaults to the one on their staff profile; when that says nothing
    useful ("other" or blank) it must be given, since the quorum counts specialties."""
    meeting = lock_meeting(meeting)  # one attendance write at a time: no double entries
    require_not_signed_off(meeting)
    name = name.strip()
    if (user is None) == (not name):
        raise ApplicationError(
            "Give either a colleague or a guest's name.",
            errors={"": ['Send "user" (a username) or "name" (a guest), not both.']},
        )
    if user is not None:
        require_member(user, meeting.hospital, "user")
        if not specialty:
            specialty = user.staff_profile.specialty
            if specialty in _UNINFORMATIVE_SPECIALTIES:
                raise ApplicationError(
                    "Which specialty does this colleague sit in for?",
                    errors={
                        "specialty": [
                            "Their staff profile names no specialty: give one for this meeting."
                        ]
                    },
                )
        if Attendance.objects.filter(meeting=meeting, user=user).exists():
            raise ApplicationError(
                "Already recorded as present.",
                errors={"user": [f"{person_name(user)} is already on the attendance."]},
            )
    elif not specialty:
        raise ApplicationError(
            "Which specialty does the guest sit in for?",
            errors={"specialty": ["A guest's specialty is required."]},
        )
    attendance = Attendance(meeting=meeting, user=user, name=name, specialty=specialty)
    save_audited(attendance, actor=actor, clean=True)
    return attendance


@transaction.atomic
def attendance_remove(*, attendance: Attendance, actor: Any) -> None:
    """Take someone off the attendance (recorded by mistake, or left before the discussion).

    A surgeon who has voted at this meeting stays: their vote was cast as an attendee and
    stands, and the record must show they were there. Once the board has recorded a decision,
    nobody is taken off: the decisions were made with that attendance (and its quorum)."""
    meeting = lock_meeting(attendance.meeting)
    require_not_signed_off(meeting)
    if (
        attendance.user_id is not None
        and ResectabilityVote.objects.filter(
            agenda_item__meeting=meeting, surgeon_id=attendance.user_id
        ).exists()
    ):
        raise ApplicationError(
            "This surgeon has voted at this meeting: their attendance stays on the record.",
            errors={"": ["Votes are cast by attendees; the votes stand."]},
            status=409,
        )
    if Decision.objects.filter(agenda_item__meeting=meeting).exists():
        raise ApplicationError(
            "Decisions have been recorded at this meeting with this attendance: it stays.",
            errors={"": ["Each decision keeps whether the meeting was quorate when it was made."]},
            status=409,
        )
    delete_audited(attendance, actor=actor)
