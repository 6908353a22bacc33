"""The date range the board's numbers are counted over: whole local days (settings.TIME_ZONE),
both ends included. Meetings fall in it by their local date, cases by their referral date.

The bounds of meeting times are computed once as aware datetimes (midnight of the first day,
midnight after the last), so that a filter on `scheduled_for` compares the column itself and an
index on it can serve the range (a filter on its local date could not)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

# Over a longer range a month-by-month chart stops being readable, and the answer grows; fifteen
# years covers any audit a board runs.
MAX_YEARS = 15
# Up to three years a chart has a bar per month; beyond, a bar per year.
MONTHLY_UP_TO_MONTHS = 36


def _months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def default(cls, today: datetime.date | None = None) -> Period:
        """The last twelve months: this month so far and the eleven whole months before it."""
        today = today or timezone.localdate()
        return cls(start=_months_before(today, 11), end=today)

    @property
    def starts_at(self) -> datetime.datetime:
        return _local_midnight(self.start)

    @property
    def ends_before(self) -> datetime.datetime:
        return _local_midnight(self.end + datetime.timedelta(days=1))

    @property
    def by_year(self) -> bool:
        """Whether the counts over time go by year (a long range) rather than by month."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        return months > MONTHLY_UP_TO_MONTHS

    def buckets(self) -> list[datetime.date]:
        """The first day of each month (or year) the range touches, in order."""
        if self.by_year:
            return [datetime.date(year, 1, 1) for year in range(self.start.year, self.end.year + 1)]
        first = self.start.replace(day=1)
        count = (self.end.year - first.year) * 12 + self.end.month - first.month + 1
        return [_months_before(first, -offset) for offset in range(count)]

    def bucket_label(self, day: datetime.date) -> str:
        return f"{day:%Y}" if self.by_year else f"{day:%b %Y}"


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# Dates outside these are typing mistakes (and the far ends of the calendar overflow).
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


def range_errors(start: datetime.date, end: datetime.date) -> dict[str, list[str]]:
    """What is wrong with a range whose ends parsed as dates (empty: nothing)."""
    outside = {
        name: [f"Must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}."]
        for name, day in (("from", start), ("to", end))
        if not EARLIEST <= day <= LATEST
    }
    if outside:
        return outside
    if start > end:
        return {"from": [f"Must not be after to ({end:%Y-%m-%d})."]}
    try:
        earliest = end.replace(year=end.year - MAX_YEARS)
    except ValueError:  # 29 February
        earliest = end.replace(year=end.year - MAX_YEARS, day=28)
    if start < earliest:
        return {"from": [f"The range may span at most {MAX_YEARS} years."]}
    return {}


def period_from_query(query: Any) -> tuple[Period | None, dict[str, list[str]]]:
    """The range a page's query string asks for (`from`, `to`; either may be left out for the
    default's end), or the errors naming what is wrong."""
    default = Period.default()
    errors: dict[str, list[str]] = {}
    ends = {"from": default.start, "to": default.end}
    for name in ends:
        text = (query.get(name) or "").strip()
        if not text:
            continue
        try:
            if len(text) != len("YYYY-MM-DD"):  # fromisoformat also takes YYYYMMDD and weeks
                raise ValueError(text)
            ends[name] = datetime.date.fromisoformat(text)
        except ValueError:
            errors[name] = ["Enter a date as YYYY-MM-DD."]
    if errors:
        return None, errors
    errors = range_errors(ends["from"], ends["to"])
    if errors:
        return None, errors
    return Period(start=ends["from"], end=ends["to"]), {}
