"""Postponing a case on the agenda and moving it, undiscussed, to a later meeting (the work-up is
not back, the patient is not fit, the board ran out of time...).

A postponement records its coded reason, who and when on the agenda case. The case then moves to
a later meeting: at once when one is chosen, else at the chair's sign-off (services.sign_off),
which carries every undiscussed case to the next meeting. The origin item stays on its agenda
pointing at the later meeting (`moved_to`), and the later item points back (`carried_from`), so
that the case's history shows every meeting it waited for and why. With no later meeting yet, a
postponed case on a signed-off meeting is waiting for a meeting; the next agenda it is put on
links back to it (`waiting.link_waiting_postponement`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.services import save_audited

from ..choices import MeetingStatus, PostponementReason
from ..models import AgendaItem, Decision, Meeting
from .checks import lock_meeting, require_not_signed_off
from .meetings import agenda_item_add


def _refuse_target(message: str, field: str = "meeting") -> ApplicationError:
    return ApplicationError(message, errors={field: [message]})


def _lock_undiscussed(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    """Lock the meeting and the item (in that order) and check that the case can still leave
    this meeting undiscussed: no decision, no actions, not moved already."""
    origin = lock_meeting(item.meeting)
    require_not_signed_off(origin)
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("case__patient", "presenter")
        .get(pk=item.pk)
    )
    item.meeting = origin
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
    return origin, item


def check_move_target(origin: Meeting, to_meeting: Meeting, *, field: str = "meeting") -> None:
    """A case of `origin` may move to `to_meeting`: same hospital, later, not signed off. The
    refusal names `field`."""
    if to_meeting.pk == origin.pk:
        raise _refuse_target("The case is already on this meeting.", field)
    if to_meeting.hospital_id != origin.hospital_id:
        raise _refuse_target("Unknown meeting.", field)
    if to_meeting.status == MeetingStatus.CLOSED:
        raise _refuse_target("That meeting is signed off: its agenda is final.", field)
    if to_meeting.scheduled_for <= origin.scheduled_for:
        raise _refuse_target("The meeting must be later than this meeting.", field)


def _check_reason(reason: str, detail: str) -> None:
    if reason not in PostponementReason.values:
        raise ApplicationError(
            "Invalid input: see the errors for each field.",
            errors={"reason": ["Choose one of the postponement reasons."]},
        )
    if reason == PostponementReason.OTHER and not detail.strip():
        raise ApplicationError(
            "Invalid input: see the errors for each field.",
            errors={"reason_detail": ["Say why in words when the reason is other."]},
        )


def _record_reason(item: AgendaItem, *, reason: str, detail: str, actor: Any, now: Any) -> None:
    item.postponement_reason = reason
    item.postponement_detail = detail.strip()
    item.postponed_at = now
    item.postponed_by = actor


def carry(*, item: AgendaItem, to_meeting: Meeting, actor: Any) -> AgendaItem:
    """Put the (locked, undiscussed) case on `to_meeting`'s agenda with the same presenter and
    question, carried from `item`, and point `item` there; both audited. When the case is
    already on that agenda, the two are linked instead. The caller holds the locks and has
    checked the target."""
    existing = to_meeting.agenda_items.filter(case_id=item.case_id).first()
    if existing is None:
        carried = agenda_item_add(
            meeting=to_meeting,
            case=item.case,
            actor=actor,
            presenter=item.presenter,
            question=item.question,
            carried_from=item,
        )
    else:
        carried = existing
        if carried.carried_from_id is None:
            carried.carried_from = item
            save_audited(carried, actor=actor)
    item.moved_to = to_meeting
    save_audited(item, actor=actor, clean=True)
    return carried


@transaction.atomic
def agenda_item_move(
    *,
    item: AgendaItem,
    to_meeting: Meeting,
    actor: Any,
    reason: str = "",
    reason_detail: str = "",
) -> AgendaItem:
    """Move the case, undiscussed, to `to_meeting` (same presenter and question) and mark the
    origin item as moved there. With `reason` the postponement is recorded too (a reason given
    earlier stays when none is). Returns the new agenda item."""
    origin, item = _lock_undiscussed(item)
    if reason:
        _check_reason(reason, reason_detail)
    check_move_target(origin, to_meeting)
    if to_meeting.agenda_items.filter(case_id=item.case_id).exists():
        raise _refuse_target("The case is already on that meeting's agenda.")
    if reason:
        _record_reason(item, reason=reason, detail=reason_detail, actor=actor, now=timezone.now())
    return carry(item=item, to_meeting=to_meeting, actor=actor)


@transaction.atomic
def agenda_item_postpone(
    *,
    item: AgendaItem,
    reason: str,
    actor: Any,
    reason_detail: str = "",
    to_meeting: Meeting | None = None,
) -> AgendaItem:
    """Postpone an undiscussed case with a coded reason (`reason_detail` in words, required for
    other), recording who and when. With `to_meeting` the case moves there now; without, it
    stays on this agenda marked postponed and the chair's sign-off carries it to the next
    meeting. Returns the origin item."""
    origin, item = _lock_undiscussed(item)
    _check_reason(reason, reason_detail)
    if to_meeting is not None:
        check_move_target(origin, to_meeting)
    _record_reason(item, reason=reason, detail=reason_detail, actor=actor, now=timezone.now())
    if to_meeting is not None:
        carry(item=item, to_meeting=to_meeting, actor=actor)
    else:
        save_audited(item, actor=actor, clean=True)
    return item


@transaction.atomic
def agenda_item_postpone_withdraw(*, item: AgendaItem, actor: Any) -> AgendaItem:
    """Take back a postponement before the case has moved: it is discussed here after all."""
    _, item = _lock_undiscussed(item)
    if not item.postponement_reason:
        raise ApplicationError(
            "The case is not postponed.",
            errors={"reason": ["There is no postponement to withdraw."]},
            status=409,
        )
    item.postponement_reason = ""
    item.postponement_detail = ""
    item.postponed_at = None
    item.postponed_by = None
    save_audited(item, actor=actor, clean=True)
    return item
