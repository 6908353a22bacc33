"""The board's numbers: a registry of metrics, each a small definition.

A metric is a slug, a title, a sentence saying what it counts, a chart kind and a function of
the `Scope` (the hospital and the date range) that answers a `Table`: columns and rows. The
page draws each table as its chart (`bars`: a bar per row, a series per value column;
`figures`: large plain numbers) above the table itself, the API answers the table as JSON, and
the CSV download is the same table. Every figure is computed in SQL, a fixed number of queries
whatever the number of rows.

Adding a metric is a few lines where its data lives, with the helpers below, e.g.:

    register(Metric(
        slug="postponement-reasons",
        title="Postponements by reason",
        description="Cases listed but not discussed, by the reason given.",
        chart=BARS,
        compute=lambda scope: choice_counts(
            AgendaItem.objects.filter(meeting__in=scope.meetings()).exclude(postponement_reason=""),
            "postponement_reason", PostponementReason, heading="Reason",
        ),
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, TextChoices

from apps.core.models import Hospital
from apps.meetings.models import Meeting

from .aggregates import Distribution, bucketed_counts, counts_by_value
from .periods import Period

BARS = "bars"
FIGURES = "figures"

# Units of a figure's value: how the page writes it.
DAYS = "days"
SECONDS = "seconds"
PERCENT = "percent"
COUNT = "count"


@dataclass(frozen=True)
class Scope:
    """What a metric counts over: one hospital's records in a date range.

    `shared` keeps, for the scope's life (one request), a result several metrics read (see
    `shared_result`): the page then asks for it once, not once a metric."""

    hospital: Hospital
    period: Period
    shared: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def shared_result(self, key: str, compute: Callable[[Scope], Any]) -> Any:
        if key not in self.shared:
            self.shared[key] = compute(self)
        return self.shared[key]

    def meetings(self) -> QuerySet[Meeting]:
        """The hospital's meetings whose local date falls in the range."""
        return Meeting.objects.filter(
            hospital=self.hospital,
            scheduled_for__gte=self.period.starts_at,
            scheduled_for__lt=self.period.ends_before,
        )


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass
class Table:
    """A metric's answer: `rows` are dicts keyed by the columns' keys. `empty` says there was
    nothing to count in the range (the page then says so rather than drawing zeros)."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    empty: bool
    # Figures: the unit of each row's value (DAYS, SECONDS, PERCENT or COUNT).
    units: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Metric:
    slug: str
    title: str
    description: str
    chart: str
    compute: Callable[[Scope], Table]


REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.slug in REGISTRY:
        raise ValueError(f"A metric {metric.slug!r} is already registered.")
    if metric.chart not in (BARS, FIGURES):
        raise ValueError(f"Unknown chart kind {metric.chart!r}.")
    REGISTRY[metric.slug] = metric
    return metric


def metric_get(slug: str) -> Metric | None:
    return REGISTRY.get(slug)


def metric_list() -> list[Metric]:
    return list(REGISTRY.values())


# Helpers that build a Table from querysets: most metrics are one of these shapes.


def over_time(scope: Scope, series: Mapping[str, tuple[QuerySet[Any], str]]) -> Table:
    """Counts per month (per year over a long range), one column per series: `series` maps a
    column label to (the rows to count, their date field). One query per series."""
    by_year = scope.period.by_year
    return counts_over_time(
        scope,
        {
            label: bucketed_counts(queryset, date_field, by_year=by_year)
            for label, (queryset, date_field) in series.items()
        },
    )


def counts_over_time(scope: Scope, series: Mapping[str, Mapping[Any, int]]) -> Table:
    """`over_time`'s table from counts already made: {column label: {first day of the month
    (or year): count}}."""
    counted = list(series.values())
    keys = [f"series_{index}" for index in range(len(series))]
    columns = [Column("period", "Year" if scope.period.by_year else "Month")]
    columns += [Column(key, label) for key, label in zip(keys, series, strict=True)]
    rows = [
        {
            "period": scope.period.bucket_label(bucket),
            **{key: counts.get(bucket, 0) for key, counts in zip(keys, counted, strict=True)},
        }
        for bucket in scope.period.buckets()
    ]
    empty = not any(sum(counts.values()) for counts in counted)
    return Table(columns=columns, rows=rows, empty=empty)


def choice_counts(
    queryset: QuerySet[Any],
    field_name: str,
    choices: type[TextChoices],
    *,
    heading: str,
    unset: str = "",
) -> Table:
    """Rows counted per coded value, every code listed (zero included) in the choices' order,
    with its share of the whole. With `unset` (a label), rows without a value (blank or no
    related row) are counted too, last, under that label. One query."""
    return choice_table(
        counts_by_value(queryset, field_name), choices, heading=heading, unset=unset
    )


def choice_table(
    counts: dict[Any, int], choices: type[TextChoices], *, heading: str, unset: str = ""
) -> Table:
    """`choice_counts`' table from counts already made ({value: count}; None and "" are unset)."""
    counts = dict(counts)
    labelled = list(choices.choices)
    if unset:
        counts["-"] = counts.pop(None, 0) + counts.pop("", 0)
        labelled.append(("-", unset))
    total = sum(counts.get(value, 0) for value, _ in labelled)
    rows = [
        {
            "label": label,
            "count": counts.get(value, 0),
            "percent": _percent(counts.get(value, 0), total),
        }
        for value, label in labelled
    ]
    return Table(
        columns=[Column("label", heading), Column("count", "Count"), Column("percent", "Share %")],
        rows=rows,
        empty=total == 0,
    )


def figures(rows: list[tuple[str, Any, str]], *, empty: bool) -> Table:
    """Plain numbers: (what, value, unit) each."""
    return Table(
        columns=[Column("measure", "Measure"), Column("value", "Value")],
        rows=[{"measure": measure, "value": value} for measure, value, _ in rows],
        units=[unit for *_, unit in rows],
        empty=empty,
    )


def distribution_figures(found: Distribution, *, unit: str, counted: str) -> Table:
    """The median and 90th percentile of a distribution, and how many rows it is over."""
    return figures(
        [
            ("Median", _rounded(found.median), unit),
            ("90th percentile", _rounded(found.p90), unit),
            (counted, found.count, COUNT),
        ],
        empty=found.count == 0,
    )


def share_figures(part: int, whole: int, *, share: str, part_label: str, whole_label: str) -> Table:
    return figures(
        [
            (share, _percent(part, whole), PERCENT),
            (part_label, part, COUNT),
            (whole_label, whole, COUNT),
        ],
        empty=whole == 0,
    )


def _percent(part: int, whole: int) -> float | None:
    """A share in percent to one decimal; None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
