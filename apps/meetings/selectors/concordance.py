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
meetings, the current decisions counted per meeting, and the revealed votes counted per agenda
case and summed per meeting. The counting is all in SQL (a row per meeting comes back, not one
per case: ten years are 50,000 cases, bench/scale.py); Python adds the meetings' rows into
the totals.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.recommendations.choices import Resectability
from apps.recommendations.models import RecommendationSnapshot

from ..choices import Agreement, DepartureReason
from ..models import Decision, Meeting, ResectabilityVote
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

    def add(self, counts: dict[str, Any]) -> None:
        """Add a meeting's counts (a row of `_vote_counts`)."""
        for name in (
            "cases_with_votes",
            "votes",
            "cases_with_two_or_more",
            "surgeons_unanimous",
            "votes_matching_pathway",
        ):
            setattr(self, name, getattr(self, name) + int(counts[name] or 0))


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

    def add_decisions(self, counts: dict[str, int]) -> None:
        """Add a meeting's counts of current decisions (a row of `_decision_counts`). A reason
        is only a departure's: the model requires one when the decision does not agree, and
        one left on an agreeing decision explains nothing (the counts leave it out)."""
        for name in (
            "decisions",
            "agree",
            "modified",
            "disagree",
            "listed_not_discussed",
            "recorded_without_quorum",
        ):
            setattr(self, name, getattr(self, name) + counts[name])
        for reason in self.departures_by_reason:
            self.departures_by_reason[reason] += counts[_reason_key(reason)]


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
    for row in _decision_counts(meetings):
        for summary in (by_meeting[row.pop("meeting_id")], totals):
            summary.add_decisions(row)
    for row in _vote_counts(meetings):
        for summary in (by_meeting[row.pop("meeting_id")], totals):
            summary.votes.add(row)
    return Concordance(totals=totals, meetings=list(by_meeting.values()))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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
    # Local days as bounds in time (midnight to midnight), not a cast of every meeting's time
    # to a date: the meetings' date index answers the range.
    if date_from is not None:
        meetings = meetings.filter(scheduled_for__gte=_local_midnight(date_from))
    if date_to is not None:
        next_day = date_to + datetime.timedelta(days=1)
        meetings = meetings.filter(scheduled_for__lt=_local_midnight(next_day))
    if signed_only:
        meetings = meetings.filter(signed_off_at__isnull=False)
    return meetings.order_by("scheduled_for", "created_at", "id")


def _current_decisions(meetings: QuerySet[Meeting]) -> QuerySet[Decision]:
    """The newest decision version of each agenda case of the meetings that stayed on them."""
    newer = Decision.objects.filter(
        agenda_item=OuterRef("agenda_item"), version__gt=OuterRef("version")
    )
    return Decision.objects.filter(
        agenda_item__meeting__in=meetings.values("pk"), agenda_item__moved_to__isnull=True
    ).exclude(Exists(newer))


def _decision_counts(meetings: QuerySet[Meeting]) -> QuerySet[Any]:
    """The current decisions counted per meeting, in SQL (a row per meeting)."""
    departs = ~Q(agreement=Agreement.AGREE)
    per_reason = {
        _reason_key(reason): Count("id", filter=departs & Q(departure_reason=reason))
        for reason in DepartureReason.values
    }
    return (
        _current_decisions(meetings)
        .order_by()
        .values(meeting_id=F("agenda_item__meeting_id"))
        .annotate(
            decisions=Count("id"),
            agree=Count("id", filter=Q(agreement=Agreement.AGREE)),
            modified=Count("id", filter=Q(agreement=Agreement.MODIFIED)),
            disagree=Count("id", filter=Q(agreement=Agreement.DISAGREE)),
            listed_not_discussed=Count("id", filter=Q(listed_not_discussed=True)),
            recorded_without_quorum=Count("id", filter=Q(quorate=False)),
            **per_reason,
        )
    )


def _reason_key(reason: str) -> str:
    return f"reason_{reason}"


def _calls_key(call: str) -> str:
    return f"calls_{call}"


def _vote_counts(meetings: QuerySet[Meeting]) -> list[dict[str, Any]]:
    """The revealed votes counted per meeting, in SQL: the agenda cases' counts (a row per case,
    `_revealed_vote_counts`) summed per meeting by an outer query over them.

    The pathway's call on each case (`_pathway_call`) is looked up here, once per case row,
    rather than as an annotation of the per-case query: there the ORM computed it for every
    vote and grouped by it (over ten years, twice the lookups and a sort of 33,000 rows). A
    case's calls are unanimous when one call has all its votes: the calls are counted each,
    not with COUNT(DISTINCT), which would make PostgreSQL sort the votes rather than hash
    them."""
    per_case_sql, params = _revealed_vote_counts(meetings).query.sql_with_params()
    matching = " ".join(f"WHEN %s THEN {_calls_key(call)}" for call in Resectability.values)
    unanimous = " OR ".join(f"{_calls_key(call)} = votes_count" for call in Resectability.values)
    sql = f"""
        SELECT meeting_id,
               COUNT(*) AS cases_with_votes,
               SUM(votes_count) AS votes,
               SUM(CASE WHEN votes_count >= 2 THEN 1 ELSE 0 END) AS cases_with_two_or_more,
               SUM(CASE WHEN votes_count >= 2 AND ({unanimous}) THEN 1 ELSE 0 END)
                   AS surgeons_unanimous,
               SUM(CASE {_pathway_call("per_case")} {matching} ELSE 0 END)
                   AS votes_matching_pathway
        FROM ({per_case_sql}) AS per_case
        GROUP BY meeting_id
    """  # noqa: S608 (the names are the code's own; the values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*Resectability.values, *params])
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    field = Meeting._meta.pk
    for row in rows:
        row["meeting_id"] = field.to_python(row["meeting_id"])
    return rows


def _pathway_call(per_case: str) -> str:
    """SQL for the pathway's call on an agenda case (a row of `per_case`, with `item_id` and
    `case_id`): the resectability of the recommendation its current decision (newest version)
    was made against, or before any decision, of its case's newest snapshot; NULL when the
    pathway was never run for it (no call matches). A decision always names its recommendation
    and a snapshot always has a resectability, so the first lookup is NULL only without a
    decision, and COALESCE runs the second only then: an index probe or two a case."""
    decision = Decision._meta.db_table
    snapshot = RecommendationSnapshot._meta.db_table
    return f"""COALESCE(
        (SELECT made_against.resectability
         FROM {decision} current_decision
         INNER JOIN {snapshot} made_against
             ON made_against.id = current_decision.recommendation_id
         WHERE current_decision.agenda_item_id = {per_case}.item_id
         ORDER BY current_decision.version DESC
         LIMIT 1),
        (SELECT newest.resectability
         FROM {snapshot} newest
         WHERE newest.case_id = {per_case}.case_id
         ORDER BY newest.created_at DESC, newest.id DESC
         LIMIT 1)
    )"""  # noqa: S608 (the names are the code's own)


def _revealed_vote_counts(meetings: QuerySet[Meeting]) -> QuerySet[Any]:
    """The revealed votes on the meetings' agenda cases that stayed on them, counted per case
    (in all, and each call), with the case's agenda item, case and meeting. Grouped from the
    votes, so a case without votes has no row."""
    per_call = {_calls_key(call): Count("pk", filter=Q(call=call)) for call in Resectability.values}
    return (
        ResectabilityVote.objects.filter(
            agenda_item__meeting__in=meetings.values("pk"),
            agenda_item__moved_to__isnull=True,
            agenda_item__votes_revealed_at__isnull=False,
        )
        .order_by()
        .values(
            item_id=F("agenda_item_id"),
            case_id=F("agenda_item__case_id"),
            meeting_id=F("agenda_item__meeting_id"),
        )
        .annotate(votes_count=Count("pk"), **per_call)
    )
