"""SQL building blocks of the board's numbers: percentiles, whole days between two dates, and
counts per month (or year) and per coded value.

PostgreSQL computes medians and 90th percentiles itself (`percentile_cont`, an ordered-set
aggregate). SQLite, which the local `make run` uses, has no such aggregate: there the values
alone (one number a row, already computed in SQL) are read and interpolated exactly as
`percentile_cont` does, so both databases give the same figure."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    FloatField,
    Func,
    IntegerField,
    QuerySet,
)
from django.db.models.functions import TruncMonth, TruncYear


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation between the two nearest rows)."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


class DaysBetween(Func):
    """Whole days from `earlier` to `later` (two dates), as an integer."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # PostgreSQL: date minus date is an integer number of days.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def interpolated_percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """`percentile_cont(fraction)` over values in ascending order (None for no values)."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    below, above = math.floor(position), math.ceil(position)
    low, high = float(ordered[below]), float(ordered[above])
    return low + (high - low) * (position - below)


@dataclass(frozen=True)
class Distribution:
    count: int
    median: float | None
    p90: float | None


def distribution(queryset: QuerySet[Any], field: str) -> Distribution:
    """The count, median and 90th percentile of a numeric column (or annotation, an aggregate
    included) of the rows of `queryset`: one query."""
    if connection.vendor == "postgresql":
        row = queryset.aggregate(
            count=Count(field),
            median=PercentileCont(field, 0.5),
            p90=PercentileCont(field, 0.9),
        )
        return Distribution(count=row["count"], median=row["median"], p90=row["p90"])
    values = sorted(v for v in queryset.values_list(field, flat=True) if v is not None)
    return Distribution(
        count=len(values),
        median=interpolated_percentile(values, 0.5),
        p90=interpolated_percentile(values, 0.9),
    )


def bucketed_counts(
    queryset: QuerySet[Any], date_field: str, *, by_year: bool, count: Any = None
) -> dict[datetime.date, int]:
    """Rows of `queryset` counted per month (or year) of `date_field` (a date, or a moment
    taken in the local time zone): {first day of the month or year: count}. One query."""
    trunc = TruncYear if by_year else TruncMonth
    rows = (
        queryset.order_by()
        .annotate(bucket=trunc(date_field, output_field=DateField()))
        .values("bucket")
        .annotate(count=count if count is not None else Count("pk"))
        .values_list("bucket", "count")
    )
    return {_as_date(bucket): total for bucket, total in rows}


def counts_by_value(queryset: QuerySet[Any], field: str) -> dict[str, int]:
    """Rows of `queryset` counted per value of `field`: one query."""
    rows = queryset.order_by().values(field).annotate(count=Count("pk")).values_list(field, "count")
    return dict(rows)


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value
