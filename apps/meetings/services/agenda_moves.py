"""Moving a case, undiscussed, from one meeting's agenda to a later meeting's (the board ran out
of time, or the work-up is not back). The origin item stays on its agenda pointing at the later
meeting, so the case's history across meetings shows where it went and why it had no decision."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.core.exceptions import ApplicationError
from apps.core.services import save_audited

from ..choices import MeetingStatus
from ..models import AgendaItem, Decision, Meeting
from .checks import lock_meeting, require_not_signed_off
from .meetings import agenda_item_add


def _refuse_target(message: str) -> ApplicationError:
    return ApplicationError(message, errors={"meeting": [message]})


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, to_meeting: Meeting, actor: Any) -> AgendaItem:
    """Put the case on `to_meeting`'s agenda (same presenter and question) and mark the origin
    item as moved there. Returns the new agenda item."""
    origin = lock_meeting(item.meeting)
    require_not_signed_off(origin)
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("case__patient", "presenter")
        .get(pk=item.pk)
    )
    if item.moved_to_id is not None:
        raise ApplicationError(
            "The case has already moved to a later meeting.",
            errors={"": ["Move it from the later meeting's agenda instead."]},
            status=409,
        )
    if Decision.objects.filter(agenda_item=item).exists():
        raise ApplicationError(
            "The board has decided on this case here: a decided case does not move.",
            errors={"": ["A decision is recorded for this agenda case."]},
            status=409,
        )
    if item.actions.exists():
        raise ApplicationError(
            "Actions are recorded for this case here: they would be stranded by a move.",
            errors={"": ["Remove the actions first, or decide the case at this meeting."]},
            status=409,
        )
    if to_meeting.pk == origin.pk:
        raise _refuse_target("The case is already on this meeting.")
    if to_meeting.hospital_id != origin.hospital_id:
        raise _refuse_target("Unknown meeting.")
    if to_meeting.status == MeetingStatus.CLOSED:
        raise _refuse_target("That meeting is signed off: its agenda is final.")
    if to_meeting.scheduled_for <= origin.scheduled_for:
        raise _refuse_target("The meeting must be later than this meeting.")
    if to_meeting.agenda_items.filter(case_id=item.case_id).exists():
        raise _refuse_target("The case is already on that meeting's agenda.")
    moved = agenda_item_add(
        meeting=to_meeting,
        case=item.case,
        actor=actor,
        presenter=item.presenter,
        question=item.question,
    )
    item.moved_to = to_meeting
    save_audited(item, actor=actor)
    return moved
