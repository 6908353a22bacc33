"""The chair's sign-off of a meeting: from then on its decisions are the clinical record.

Sign-off needs every case on the agenda decided or moved to a later meeting. In one transaction
it closes the meeting, signs each draft decision, and marks the decided cases discussed, all
audited with the chair as author.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.services import save_audited
from apps.patients.choices import CaseStatus
from apps.patients.models import MdtCase

from ..choices import MeetingStatus
from ..models import AgendaItem, Decision, Meeting
from ..selectors import meeting_quorum
from .checks import lock_meeting, require_chair
from .presenting import presentation_close


@transaction.atomic
def meeting_sign_off(*, meeting: Meeting, actor: Any) -> Meeting:
    """Close the meeting as its chair.

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
    items = list(
        AgendaItem.objects.select_for_update(of=("self",))
        .filter(meeting=locked)
        .order_by("position")
    )
    current: dict[Any, Decision] = {}
    for decision in Decision.objects.filter(agenda_item__meeting=locked).order_by("version"):
        current[decision.agenda_item_id] = decision  # the newest version wins
    undecided = {
        f"agenda[{index}]": [f"No decision recorded (position {item.position})."]
        for index, item in enumerate(items)
        if item.pk not in current and item.moved_to_id is None
    }
    if undecided:
        raise ApplicationError(
            "Every case on the agenda needs a decision, or a move to a later meeting, before "
            "the meeting is signed off.",
            errors=undecided,
            status=409,
        )

    now = timezone.now()
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
    return locked
