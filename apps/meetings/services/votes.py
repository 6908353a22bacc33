"""Writes of the liver surgeons' independent resectability votes.

Each attending liver surgeon records their own call on a case before the board discusses it;
nobody sees another's call until the chair reveals them all at once, so that the calls are
independent (surgeons disagree on resectability often enough for this to matter)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.choices import Specialty
from apps.core.exceptions import ApplicationError
from apps.core.services import assign, save_audited

from ..models import AgendaItem, Attendance, Decision, ResectabilityVote
from .checks import lock_item, require_chair, require_not_signed_off


@transaction.atomic
def vote_record(
    *, item: AgendaItem, surgeon: Any, call: str, note: str = ""
) -> tuple[ResectabilityVote, bool]:
    """Record the surgeon's own call on the case, or replace it while the votes are hidden.
    Returns the vote and whether it is new."""
    item = lock_item(item)
    meeting = item.meeting
    if not Attendance.objects.filter(
        meeting=meeting, user=surgeon, specialty=Specialty.LIVER_SURGEON
    ).exists():
        raise ApplicationError(
            "Only the liver surgeons present vote on resectability.",
            errors={"": ["Be recorded on this meeting's attendance as a liver surgeon."]},
            status=403,
        )
    require_not_signed_off(meeting)
    if item.moved_to_id is not None:
        raise ApplicationError(
            "The case moved to a later meeting: vote there.",
            errors={"": ["The case was not discussed at this meeting."]},
            status=409,
        )
    if item.votes_revealed_at is not None:
        raise ApplicationError(
            "The votes have been revealed: a call made now would not be independent.",
            errors={"": ["Votes are closed once revealed."]},
            status=409,
        )
    if Decision.objects.filter(agenda_item=item).exists():
        raise ApplicationError(
            "The board has decided on this case: votes are made before the discussion.",
            errors={"": ["A decision is recorded for this agenda case."]},
            status=409,
        )
    vote = ResectabilityVote.objects.filter(agenda_item=item, surgeon=surgeon).first()
    created = vote is None
    if vote is None:
        vote = ResectabilityVote(agenda_item=item, surgeon=surgeon)
    if assign(vote, {"call": call, "note": note}):
        save_audited(vote, actor=surgeon, clean=True)
    return vote, created


@transaction.atomic
def votes_reveal(*, item: AgendaItem, actor: Any) -> AgendaItem:
    """The chair shows every surgeon's call at once, before the board discusses the case."""
    item = lock_item(item)
    require_chair(item.meeting, actor, "reveal the surgeons' votes")
    require_not_signed_off(item.meeting)
    if item.votes_revealed_at is not None:
        raise ApplicationError(
            "The votes have already been revealed.",
            errors={"": [f"Revealed at {item.votes_revealed_at.isoformat()}."]},
            status=409,
        )
    if not item.votes.exists():
        raise ApplicationError(
            "No surgeon has voted on this case yet.",
            errors={"": ["Nothing to reveal."]},
            status=409,
        )
    item.votes_revealed_at = timezone.now()
    item.votes_revealed_by = actor
    save_audited(item, actor=actor)
    return item
