"""Writes of the meeting's presentation: which case the room is discussing now, and the time the
board spends on each case.

The chair or a coordinator drives the projector screen; each move records the time spent on
the case left (`discussion_seconds`, and when its discussion last ended) and when the case
brought up was first discussed, all audited. A case may come up more than once: its seconds
add up. Sign-off ends the discussion of the case still on screen (`presentation_close`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role
from apps.core.services import save_audited

from ..models import AgendaItem, Meeting
from .checks import lock_meeting, require_in_progress


def can_drive(meeting: Meeting, user: Any) -> bool:
    """Who moves the room from case to case: the meeting's chair or a coordinator."""
    return (meeting.chair_id is not None and meeting.chair_id == user.pk) or has_role(
        user, Role.COORDINATOR
    )


def presentation_close(meeting: Meeting, *, actor: Any, now: datetime.datetime) -> None:
    """End the discussion of the case on screen, if any: its time is added to its record and
    the meeting shows no case. The meeting must be locked by the caller."""
    if meeting.current_item_id is None:
        return
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=meeting.current_item_id)
    since = meeting.current_item_since or now
    item.discussion_seconds += max(0, int((now - since).total_seconds()))
    item.discussion_ended_at = now
    save_audited(item, actor=actor)
    meeting.current_item = None
    meeting.current_item_since = None


@transaction.atomic
def meeting_present(*, meeting: Meeting, item: AgendaItem | None, actor: Any) -> Meeting:
    """Bring `item` up on the meeting's screen (None: no case), ending the discussion of the
    case shown before. Only while the meeting is in progress, by its chair or a coordinator."""
    locked = lock_meeting(meeting)
    if not can_drive(locked, actor):
        raise ApplicationError(
            "Only the meeting's chair or a coordinator moves the room from case to case.",
            errors={"": ["Follow the presenter instead."]},
            status=403,
        )
    require_in_progress(locked, "present a case")
    wanted = item.pk if item is not None else None
    if locked.current_item_id == wanted:
        return locked
    if item is not None:
        if item.meeting_id != locked.pk:
            raise ApplicationError(
                "Invalid input: see the errors for each field.",
                errors={"item": ["Not a case on this meeting's agenda."]},
            )
        if item.moved_to_id is not None:
            raise ApplicationError(
                "The case moved to a later meeting: it is discussed there.",
                errors={"item": ["Choose a case that is discussed at this meeting."]},
                status=409,
            )
    now = timezone.now()
    presentation_close(locked, actor=actor, now=now)
    if item is not None:
        shown = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        if shown.discussion_started_at is None:
            shown.discussion_started_at = now
            save_audited(shown, actor=actor)
        locked.current_item = shown
        locked.current_item_since = now
    save_audited(locked, actor=actor)
    return locked
