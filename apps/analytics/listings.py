"""What the board's numbers need to know of each listing's past, read in one pass.

Four metrics ask of an agenda case in the range what came before it for the same case: was the
case discussed at an earlier meeting ("discussed again"), did an earlier decision ask for it
back ("asked back"), was it listed on an earlier meeting at all ("first listing"), and is this
the case's first discussion ever (referral to meeting). Asked one listing at a time, each
question probes the case's other listings: four queries, each walking the range's listings
(bench/SCALE_RESULTS.md has the figures before and after). Here the listings of the cases
listed in the range (theirs up to the range's end, earlier ones included) are read once, in
order per case, and window functions carry what came before along each case's rows; the
range's rows are then counted per month (or year), one query in all.

The earliest discussion's days from referral come back counted per number of days (a few
hundred distinct values at most), and their median and 90th percentile are interpolated from
those counts exactly as PostgreSQL's `percentile_cont` does.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, DateField, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import TruncDate, TruncMonth, TruncYear

from apps.meetings.choices import MeetingStatus
from apps.meetings.models import AgendaItem, Decision

from .aggregates import DaysBetween, Distribution
from .metrics import Scope


@dataclass(frozen=True)
class ListingHistory:
    """Per month (or year) of the range: cases discussed again, and of those asked back by an
    earlier decision ({first day of the bucket: count}); over the range: the cases first listed
    on a signed-off meeting and how many of them were discussed there; the days from referral
    to each case's first discussion, for cases first discussed in the range."""

    again: dict[datetime.date, int]
    asked_back: dict[datetime.date, int]
    first_listed: int
    first_listed_discussed: int
    first_discussion_days: Distribution


def listing_history(scope: Scope) -> ListingHistory:
    """The range's `ListingHistory`, read once a request (shared through the scope)."""
    return scope.shared_result("listing_history", _listing_history)


def _flag(condition: Q | Exists) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _listings(scope: Scope) -> tuple[str, list[Any]]:
    """SQL of the listings of the cases listed in the range, up to its end, a row each with what
    the windows read: the case, the meeting's time and month (or year), flags, and the days from
    referral to the meeting's local date."""
    period = scope.period
    in_range = Q(
        meeting__scheduled_for__gte=period.starts_at,
        meeting__scheduled_for__lt=period.ends_before,
    )
    hospital_items = AgendaItem.objects.filter(meeting__hospital=scope.hospital)
    cases_in_range = hospital_items.filter(in_range).values("case")
    decided = Decision.objects.filter(agenda_item=OuterRef("pk"))
    trunc = TruncYear if period.by_year else TruncMonth
    listings = (
        hospital_items.filter(meeting__scheduled_for__lt=period.ends_before)
        .filter(case__in=cases_in_range)
        .order_by()
        .annotate(
            case_ref=F("case_id"),
            listed_at=F("meeting__scheduled_for"),
            bucket=trunc("meeting__scheduled_for", output_field=DateField()),
            ranged=_flag(in_range),
            closed=_flag(Q(meeting__status=MeetingStatus.CLOSED)),
            discussed=_flag(Q(moved_to__isnull=True) & Exists(decided)),
            asks_back=_flag(Exists(decided.filter(rediscuss_on__isnull=False))),
            days=DaysBetween(TruncDate("meeting__scheduled_for"), F("case__referred_on")),
        )
        .values(
            "id",
            "case_ref",
            "listed_at",
            "bucket",
            "ranged",
            "closed",
            "discussed",
            "asks_back",
            "days",
        )
    )
    sql, params = listings.query.sql_with_params()
    return sql, list(params)


# What came before each listing of a case: its listings earlier in (meeting time, id) order,
# a window that only grows along the case's rows (summed row by row, not again for each row).
# The listings are read once (MATERIALIZED), so that their flags are computed once a row.
# Every row is aggregated, those before the range under no bucket, which keeps the planner's
# estimate of the rows grouped at the rows read.
_COUNTED = """
    WITH listings AS MATERIALIZED ({listings}),
    flagged AS (
        SELECT CASE WHEN ranged = 1 THEN bucket END AS counted_in, ranged, closed, discussed,
               days,
               SUM(discussed) OVER earlier AS discussed_before,
               SUM(asks_back) OVER earlier AS asked_before,
               COUNT(*) OVER earlier AS listed_before
        FROM listings
        WINDOW earlier AS (
            PARTITION BY case_ref ORDER BY listed_at, id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        )
    ),
    marked AS (
        SELECT counted_in, ranged * closed * discussed AS first_listed_discussed,
               CASE WHEN discussed_before > 0 THEN ranged * discussed ELSE 0 END AS again,
               CASE WHEN discussed_before > 0 AND asked_before > 0
                    THEN ranged * discussed ELSE 0 END AS asked_back,
               CASE WHEN listed_before = 0 THEN ranged * closed ELSE 0 END AS first_listed,
               CASE WHEN ranged = 1 AND discussed = 1 AND COALESCE(discussed_before, 0) = 0
                    THEN days END AS first_days
        FROM flagged
    )
    SELECT counted_in, first_days, SUM(again), SUM(asked_back), SUM(first_listed),
           SUM(first_listed * first_listed_discussed), COUNT(first_days)
    FROM marked
    GROUP BY counted_in, first_days
"""


def _listing_history(scope: Scope) -> ListingHistory:
    listings, params = _listings(scope)
    with connection.cursor() as cursor:
        cursor.execute(_COUNTED.format(listings=listings), params)
        rows = cursor.fetchall()
    again: dict[datetime.date, int] = {}
    asked_back: dict[datetime.date, int] = {}
    first_days: dict[int, int] = {}
    first_listed = first_listed_discussed = 0
    for bucket, days, agains, asked, listed, listed_discussed, firsts in rows:
        if bucket is None:  # listings before the range: read for what came before
            continue
        day = _as_date(bucket)
        again[day] = again.get(day, 0) + int(agains or 0)
        asked_back[day] = asked_back.get(day, 0) + int(asked or 0)
        first_listed += int(listed or 0)
        first_listed_discussed += int(listed_discussed or 0)
        if days is not None:
            first_days[int(days)] = first_days.get(int(days), 0) + int(firsts)
    return ListingHistory(
        again=again,
        asked_back=asked_back,
        first_listed=first_listed,
        first_listed_discussed=first_listed_discussed,
        first_discussion_days=counted_distribution(first_days),
    )


def counted_distribution(counts: dict[int, int]) -> Distribution:
    """The count, median and 90th percentile of values given as {value: how many}, interpolated
    as `percentile_cont` interpolates the values in order."""
    values = sorted(value for value, count in counts.items() if count > 0)
    ends: list[int] = []  # ends[i]: how many values are <= values[i]
    total = 0
    for value in values:
        total += counts[value]
        ends.append(total)

    def nth(position: int) -> float:
        return float(values[bisect.bisect_right(ends, position)])

    def percentile(fraction: float) -> float | None:
        if not total:
            return None
        position = fraction * (total - 1)
        below = int(position)
        low, high = nth(below), nth(min(below + 1, total - 1))
        return low + (high - low) * (position - below)

    return Distribution(count=total, median=percentile(0.5), p90=percentile(0.9))


def _as_date(value: Any) -> datetime.date:
    """A bucket as the database answers it: a date, a datetime or (SQLite) its ISO text."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])
