"""Concordance: how the board's decisions stood to the pathway's recommendations, and how the
liver surgeons' independent resectability calls agreed with each other and with the pathway,
meeting by meeting and in total. Audit of concordance is what keeps a decision-support pathway
honest: a rising rate of departures for one reason says something about the pathway or the board.

What counts:
- a meeting's agenda cases that stayed on it (a case moved to a later meeting was not discussed
  here, and is counted where it was);
- of each case, only its *current* decision (the newest version): an amendment replaces what it
  amends, and counting both would count the case twice;
- only *revealed* votes: until the chair reveals them, the surgeons' calls are secret, and a
  count that moved as votes came in would leak them.

The answer costs three queries whatever the number of meetings, cases, versions and votes: the
meetings, the current decisions, and the agenda cases with revealed votes (counted per case in
SQL). The sums over cases are done in Python, a row per case, into small dataclasses: simpler
to read than the same in SQL, and as quick at a year's meetings (bench/concordance.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from apps.recommendations.choices import Resectability
from apps.recommendations.models import RecommendationSnapshot

from ..choices import Agreement, DepartureReason
from ..models import AgendaItem, Decision, Meeting
from . import meeting_list


def _rate(part: int, whole: int) -> float | None:
    """A proportion rounded to 3 places; None when there is nothing to divide by (0 of 0 is not
    0 % agreement, it is no data)."""
    return round(part / whole, 3) if whole else None


def _no_departures() -> dict[str, int]:
    return dict.fromkeys(DepartureReason.values, 0)


@dataclass(kw_only=True)
class VoteSummary:
    """The surgeons' revealed resectability votes."""

    cases_with_votes: int = 0
    votes: int = 0
    cases_with_two_or_more: int = 0
    surgeons_unanimous: int = 0
    votes_matching_pathway: int = 0

    @property
    def surgeon_agreement_rate(self) -> float | None:
        return _rate(self.surgeons_unanimous, self.cases_with_two_or_more)

    @property
    def pathway_agreement_rate(self) -> float | None:
        return _rate(self.votes_matching_pathway, self.votes)

    def count_case(self, *, votes: int, distinct_calls: int, matching_pathway: int) -> None:
        """One agenda case's revealed votes: how many, how many different calls among them, and
        how many called what the pathway said."""
        self.cases_with_votes += 1
        self.votes += votes
        if votes >= 2:
            self.cases_with_two_or_more += 1
            if distinct_calls == 1:
                self.surgeons_unanimous += 1
        self.votes_matching_pathway += matching_pathway


@dataclass(kw_only=True)
class Summary:
    """Counts of current decisions and revealed votes over a set of agenda cases."""

    decisions: int = 0
    agree: int = 0
    modified: int = 0
    disagree: int = 0
    listed_not_discussed: int = 0
    recorded_without_quorum: int = 0
    departures_by_reason: dict[str, int] = field(default_factory=_no_departures)
    votes: VoteSummary = field(default_factory=VoteSummary)

    @property
    def agreement_rate(self) -> float | None:
        return _rate(self.agree, self.decisions)

    def count_decision(self, decision: dict[str, Any]) -> None:
        """One current decision (a row of `_current_decisions`)."""
        self.decisions += 1
        agreement = decision["agreement"]
        if agreement == Agreement.AGREE:
            self.agree += 1
        elif agreement == Agreement.MODIFIED:
            self.modified += 1
        elif agreement == Agreement.DISAGREE:
            self.disagree += 1
        # A reason is only a departure's: the model requires one when the decision does not
        # agree, and one left on an agreeing decision explains nothing.
        reason = decision["departure_reason"]
        if agreement != Agreement.AGREE and reason in self.departures_by_reason:
            self.departures_by_reason[reason] += 1
        if decision["listed_not_discussed"]:
            self.listed_not_discussed += 1
        if not decision["quorate"]:
            self.recorded_without_quorum += 1


@dataclass(kw_only=True)
class MeetingConcordance(Summary):
    """One meeting, with the counts of its agenda cases."""

    id: Any
    title: str
    scheduled_for: datetime.datetime
    status: str
    signed_off_at: datetime.datetime | None


@dataclass(kw_only=True)
class Concordance:
    totals: Summary
    meetings: list[MeetingConcordance]


def concordance_summary(
    *,
    user: Any,
    meeting: Meeting | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    signed_only: bool = False,
) -> Concordance:
    """Concordance over the user's hospital's meetings, narrowed to one meeting, to meetings
    whose local date (settings.TIME_ZONE) falls in [date_from, date_to], and/or to meetings the
    chair has signed off (whose decisions are the clinical record). Meetings come by date."""
    meetings = _meetings(
        user=user,
        meeting=meeting,
        date_from=date_from,
        date_to=date_to,
        signed_only=signed_only,
    )
    by_meeting = {
        row["id"]: MeetingConcordance(**row)
        for row in meetings.values("id", "title", "scheduled_for", "status", "signed_off_at")
    }
    totals = Summary()

    decided: dict[Any, str] = {}  # agenda item -> resectability of its decision's snapshot
    for decision in _current_decisions(meetings):
        decided[decision["agenda_item_id"]] = decision["recommendation__resectability"]
        for summary in (by_meeting[decision["agenda_item__meeting_id"]], totals):
            summary.count_decision(decision)

    for item in _revealed_vote_counts(meetings):
        # The pathway's word on the case is the recommendation the board decided against;
        # before any decision, the case's newest one (none: no call can match it).
        pathway = decided.get(item["id"], item["case_resectability"])
        for summary in (by_meeting[item["meeting_id"]], totals):
            summary.votes.count_case(
                votes=item["votes_count"],
                distinct_calls=item["distinct_calls"],
                matching_pathway=item.get(_calls_key(pathway), 0) if pathway else 0,
            )

    return Concordance(totals=totals, meetings=list(by_meeting.values()))


def _meetings(
    *,
    user: Any,
    meeting: Meeting | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    signed_only: bool,
) -> QuerySet[Meeting]:
    # No prefetch: only a few columns are read, and the queryset is also used as a subquery.
    meetings = meeting_list(user=user).prefetch_related(None).select_related(None)
    if meeting is not None:
        meetings = meetings.filter(pk=meeting.pk)
    if date_from is not None:
        meetings = meetings.filter(scheduled_for__date__gte=date_from)
    if date_to is not None:
        meetings = meetings.filter(scheduled_for__date__lte=date_to)
    if signed_only:
        meetings = meetings.filter(signed_off_at__isnull=False)
    return meetings.order_by("scheduled_for", "created_at", "id")


def _current_decisions(meetings: QuerySet[Meeting]) -> QuerySet[Any]:
    """The newest decision version of each agenda case of the meetings that stayed on them."""
    newer = Decision.objects.filter(
        agenda_item=OuterRef("agenda_item"), version__gt=OuterRef("version")
    )
    return (
        Decision.objects.filter(
            agenda_item__meeting__in=meetings.values("pk"), agenda_item__moved_to__isnull=True
        )
        .exclude(Exists(newer))
        .values(
            "agenda_item_id",
            "agenda_item__meeting_id",
            "agreement",
            "departure_reason",
            "listed_not_discussed",
            "quorate",
            "recommendation__resectability",
        )
    )


def _calls_key(call: str) -> str:
    return f"calls_{call}"


def _revealed_vote_counts(meetings: QuerySet[Meeting]) -> QuerySet[Any]:
    """The meetings' agenda cases with revealed votes, each with its votes counted (in all,
    distinct calls, and each call) and the resectability of its case's newest recommendation
    snapshot (None when the pathway was never run for it). Counted in SQL: a row per case,
    not per vote."""
    newest_snapshot = RecommendationSnapshot.objects.filter(case=OuterRef("case")).order_by(
        "-created_at", "-id"
    )
    per_call = {
        _calls_key(call): Count("votes", filter=Q(votes__call=call))
        for call in Resectability.values
    }
    return (
        AgendaItem.objects.filter(
            meeting__in=meetings.values("pk"),
            moved_to__isnull=True,
            votes_revealed_at__isnull=False,
        )
        .annotate(
            votes_count=Count("votes"),
            distinct_calls=Count("votes__call", distinct=True),
            **per_call,
            case_resectability=Subquery(newest_snapshot.values("resectability")[:1]),
        )
        .filter(votes_count__gt=0)
        .values(
            "id", "meeting_id", "votes_count", "distinct_calls", "case_resectability", *per_call
        )
    )
