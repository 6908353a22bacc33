"""The chair's sign-off of a meeting: from then on its decisions are the clinical record.

In one transaction it carries every undiscussed case (no decision, not moved) to a later
meeting, closes the meeting, signs each draft decision, and marks the decided cases discussed,
all audited with the chair as author.

Carry-over: each undiscussed case goes to the meeting the chair chose (`carry_to`), else to the
hospital's next meeting after this one that is not signed off. Its postponement reason is kept,
or "out of time" recorded when none was given. With no later meeting, sign-off still succeeds:
the case stays postponed here, waiting for a meeting (selectors.carry_over says which), and is
awaiting discussion again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.services import save_audited
from apps.patients.choices import CaseStatus
from apps.patients.models import MdtCase

from ..choices import MeetingStatus, PostponementReason
from ..models import AgendaItem, Decision, Meeting
from ..selectors import meeting_quorum
from .agenda_moves import carry, check_move_target
from .checks import lock_meeting, require_chair
from .presenting import presentation_close


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The hospital's first meeting after `meeting` that is not signed off: where undiscussed
    cases are carried by default."""
    return (
        Meeting.objects.filter(
            hospital_id=meeting.hospital_id, scheduled_for__gt=meeting.scheduled_for
        )
        .exclude(status=MeetingStatus.CLOSED)
        .order_by("scheduled_for", "created_at")
        .first()
    )


@transaction.atomic
def meeting_sign_off(*, meeting: Meeting, actor: Any, carry_to: Meeting | None = None) -> Meeting:
    """Close the meeting as its chair, carrying its undiscussed cases to `carry_to` (or the next
    meeting; see the module docstring).

    The meeting is locked first, then each of its agenda items (the lock every decision and
    action write takes), so a write either lands before sign-off and is signed with the rest, or
    waits and then finds the meeting closed."""
    locked = lock_meeting(meeting)
    require_chair(locked, actor, "sign the meeting off")
    if locked.status == MeetingStatus.CLOSED:
        raise ApplicationError(
            "The meeting is already signed off.",
            errors={"status": [f"Signed off at {locked.signed_off_at:%Y-%m-%d %H:%M}."]},
            status=409,
        )
    if locked.status == MeetingStatus.SCHEDULED:
        raise ApplicationError(
            "The meeting has not started: there is nothing to sign off yet.",
            errors={"status": ['PATCH the meeting with {"status": "in_progress"} first.']},
            status=409,
        )
    if carry_to is not None:
        check_move_target(locked, carry_to, field="carry_to")
    items = list(
        AgendaItem.objects.select_for_update(of=("self",))
        .filter(meeting=locked)
        .select_related("case__patient", "presenter")
        .order_by("position")
    )
    current: dict[Any, Decision] = {}
    for decision in Decision.objects.filter(agenda_item__meeting=locked).order_by("version"):
        current[decision.agenda_item_id] = decision  # the newest version wins
    undiscussed = [item for item in items if item.pk not in current and item.moved_to_id is None]
    stranded = {
        f"agenda[{index}]": ["Actions are recorded but no decision: decide it or remove them."]
        for index, item in enumerate(items)
        if item in undiscussed and item.actions.exists()
    }
    if stranded:
        raise ApplicationError(
            "A case with actions but no decision cannot be carried to a later meeting.",
            errors=stranded,
            status=409,
        )

    now = timezone.now()
    target = carry_to or (next_meeting(locked) if undiscussed else None)
    for item in undiscussed:
        item.meeting = locked
        if not item.postponement_reason:
            item.postponement_reason = PostponementReason.OUT_OF_TIME
            item.postponed_at = now
            item.postponed_by = actor
        if target is not None:
            carry(item=item, to_meeting=target, actor=actor)
        else:
            save_audited(item, actor=actor, clean=True)

    presentation_close(locked, actor=actor, now=now)  # the case on screen ends with the meeting
    locked.status = MeetingStatus.CLOSED
    locked.signed_off_at = now
    locked.signed_off_by = actor
    save_audited(locked, actor=actor, clean=True)
    quorate = meeting_quorum(meeting=locked).quorate
    for decision in current.values():
        if decision.signed_off_at is None:
            decision.signed_off_at = now
            if decision.listed_not_discussed:
                # A listing may be made while the agenda is prepared, before anyone is present:
                # the board accepts it undiscussed at sign-off, so its quorum is the sign-off's.
                decision.quorate = quorate
            save_audited(decision, actor=actor)
    decided_cases = MdtCase.objects.select_for_update(no_key=True).filter(
        pk__in=[item.case_id for item in items if item.pk in current],
        status=CaseStatus.SCHEDULED,
    )
    for case in decided_cases:
        case.status = CaseStatus.DISCUSSED
        save_audited(case, actor=actor)
    if target is None and undiscussed:
        # Waiting for a meeting: back among the cases awaiting discussion, unless another open
        # agenda has them.
        waiting_cases = (
            MdtCase.objects.select_for_update(no_key=True)
            .filter(pk__in=[item.case_id for item in undiscussed], status=CaseStatus.SCHEDULED)
            .exclude(
                agenda_items__meeting__status__in=[
                    MeetingStatus.SCHEDULED,
                    MeetingStatus.IN_PROGRESS,
                ]
            )
        )
        for case in waiting_cases:
            case.status = CaseStatus.AWAITING_DISCUSSION
            save_audited(case, actor=actor)
    return locked
