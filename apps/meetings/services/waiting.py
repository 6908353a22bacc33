"""A case postponed at a signed-off meeting that had no later meeting to carry it to is waiting
for a meeting. When it is next put on an agenda, the two agenda cases are linked, so that the
case's history shows the wait (services.agenda_moves has the postponement and the carry)."""

from __future__ import annotations

from typing import Any

from apps.core.services import save_audited

from ..choices import MeetingStatus
from ..models import AgendaItem


def link_waiting_postponement(*, item: AgendaItem, actor: Any) -> None:
    """`item` has just put its case on an agenda: if the case was postponed at a signed-off
    meeting that had no later one to carry it to (waiting for a meeting), the waiting item now
    points here and this one back, so the history shows the wait. Called by agenda_item_add
    inside its transaction."""
    if item.carried_from_id is not None:
        return
    waiting = (
        AgendaItem.objects.select_for_update(of=("self",))
        .filter(
            case_id=item.case_id,
            moved_to__isnull=True,
            meeting__status=MeetingStatus.CLOSED,
            meeting__scheduled_for__lt=item.meeting.scheduled_for,
            carried_to__isnull=True,
        )
        .exclude(postponement_reason="")
        .order_by("-meeting__scheduled_for")
        .first()
    )
    if waiting is None:
        return
    waiting.moved_to_id = item.meeting_id
    save_audited(waiting, actor=actor)
    item.carried_from = waiting
    save_audited(item, actor=actor)
