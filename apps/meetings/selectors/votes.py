"""Reads of the liver surgeons' resectability votes, and the one rule about them that matters
most: until the chair reveals the votes, nobody (the chair and coordinators included) reads
another surgeon's call. Who has voted is not hidden; what they called is.

Everything the votes endpoint shows is decided here, so no serializer or template can leak a
hidden call by rendering a vote it was handed."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from apps.recommendations.models import RecommendationSnapshot

from ..models import AgendaItem, Decision, ResectabilityVote


@dataclass(frozen=True)
class VoteAgreement:
    """How far the revealed calls agree with each other and with the pathway."""

    surgeons_unanimous: bool | None
    pairwise_agreement: float | None
    pathway_resectability: str | None
    matching_pathway: int | None
    pathway_agreement: float | None


@dataclass(frozen=True)
class VotesView:
    """The votes on an agenda case as one user may see them."""

    revealed: bool
    revealed_at: datetime.datetime | None
    votes_recorded: int
    voters: list[str]  # usernames (the API)
    voter_names: list[str]  # the same people by name (the pages)
    mine: ResectabilityVote | None
    votes: list[ResectabilityVote]
    agreement: VoteAgreement | None


def votes_view(*, item: AgendaItem, user: Any) -> VotesView:
    """The item's votes for `user` (who may see the item: the caller fetched it with
    `agenda_item_get`). Before the reveal, only the user's own vote and the voters' names;
    after it, every vote and how they agree. Two or three queries, whatever the number of
    votes."""
    votes = list(item.votes.select_related("surgeon").order_by("created_at", "id"))
    revealed = item.votes_revealed_at is not None
    return VotesView(
        revealed=revealed,
        revealed_at=item.votes_revealed_at,
        votes_recorded=len(votes),
        voters=[vote.surgeon.get_username() for vote in votes],
        voter_names=[vote.surgeon.get_full_name() or vote.surgeon.get_username() for vote in votes],
        mine=next((vote for vote in votes if vote.surgeon_id == user.pk), None),
        votes=votes if revealed else [],
        agreement=_agreement(item, votes) if revealed else None,
    )


def pathway_resectability(*, item: AgendaItem) -> str | None:
    """The pathway's resectability the surgeons' calls are compared with: that of the snapshot
    the item's current decision was made against, else the case's newest snapshot, else None."""
    decided = (
        Decision.objects.filter(agenda_item=item)
        .order_by("-version")
        .values_list("recommendation__resectability", flat=True)
        .first()
    )
    if decided is not None:
        return decided
    return (
        RecommendationSnapshot.objects.filter(case_id=item.case_id)
        .order_by("-created_at", "-id")
        .values_list("resectability", flat=True)
        .first()
    )


def _agreement(item: AgendaItem, votes: list[ResectabilityVote]) -> VoteAgreement:
    count = len(votes)
    calls = Counter(vote.call for vote in votes)
    unanimous: bool | None = None
    pairwise: float | None = None
    if count >= 2:
        unanimous = len(calls) == 1
        same_pairs = sum(n * (n - 1) // 2 for n in calls.values())
        pairwise = same_pairs / (count * (count - 1) // 2)
    pathway = pathway_resectability(item=item)
    matching: int | None = None
    share: float | None = None
    if pathway is not None:
        matching = calls.get(pathway, 0)
        share = matching / count if count else None
    return VoteAgreement(
        surgeons_unanimous=unanimous,
        pairwise_agreement=pairwise,
        pathway_resectability=pathway,
        matching_pathway=matching,
        pathway_agreement=share,
    )
