"""The liver expert panel's numbers, per panel, over the rounds referred in a period: how long
the panel takes, how often its reviewers disagree, and how its conclusions stand to the
pathway's resectability and to the local board's decision.

The local board's decision is the case's current decision (the newest version, of the newest
agenda case decided), compared by intent **[choice]**: a conclusion of resectable or
potentially resectable expects treatment of curative intent, permanently unresectable a
palliative one. The decisions record an intent, not a resectability class, and the intent is
what the panel's category commits the board to.

A few hundred rounds a year per panel: they are read in two queries and counted here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Subquery

from apps.liverpanel.choices import Disagreement, PanelCategory, ReferralStatus
from apps.liverpanel.models import ExpertPanel, PanelReferral
from apps.meetings.choices import Intent
from apps.meetings.models import Decision

from .aggregates import Distribution, interpolated_percentile
from .periods import Period

EXPECTED_INTENT = {
    PanelCategory.RESECTABLE: Intent.CURATIVE,
    PanelCategory.POTENTIALLY_RESECTABLE: Intent.CURATIVE,
    PanelCategory.UNRESECTABLE: Intent.PALLIATIVE,
}


@dataclass(frozen=True)
class Rate:
    """`count` of `of` (a rate of None when there is nothing to count)."""

    count: int
    of: int

    @property
    def rate(self) -> float | None:
        return round(self.count / self.of, 3) if self.of else None


@dataclass(frozen=True)
class PanelNumbers:
    panel: ExpertPanel
    period: Period
    referred: int
    by_status: dict[str, int]
    turnaround_days: Distribution
    disagreement: dict[str, Rate]
    escalated: Rate
    agrees_with_pathway: Rate
    agrees_with_board: Rate
    pathway_by_conclusion: dict[str, dict[str, int]] = field(default_factory=dict)


def _current_intents(case_ids: set[Any]) -> dict[Any, str]:
    """Each case's current decision's intent (the newest version of its newest decided agenda
    case)."""
    if not case_ids:
        return {}
    newest = Decision.objects.filter(
        agenda_item__case_id=OuterRef("agenda_item__case_id")
    ).order_by("-agenda_item__meeting__scheduled_for", "-version")
    rows = (
        Decision.objects.filter(agenda_item__case_id__in=case_ids)
        .annotate(newest_id=Subquery(newest.values("pk")[:1]))
        .filter(pk=F("newest_id"))
        .values_list("agenda_item__case_id", "intent")
    )
    return dict(rows)


def panel_numbers(*, panel: ExpertPanel, period: Period) -> PanelNumbers:
    rounds = list(
        PanelReferral.objects.filter(
            panel=panel, referred_at__gte=period.starts_at, referred_at__lt=period.ends_before
        ).values(
            "case_id",
            "status",
            "referred_at",
            "concluded_at",
            "disagreement",
            "conclusion_category",
            pathway=F("snapshot__resectability"),
            escalated=F("draws"),
        )
    )
    concluded = [row for row in rounds if row["status"] == ReferralStatus.CONCLUDED]
    days = sorted(
        (row["concluded_at"] - row["referred_at"]).total_seconds() / 86400 for row in concluded
    )
    reviewed = [row for row in rounds if row["disagreement"]]
    kinds = Counter(row["disagreement"] for row in reviewed)
    intents = _current_intents({row["case_id"] for row in concluded})
    decided = [row for row in concluded if row["case_id"] in intents]
    crossing: dict[str, dict[str, int]] = {}
    for row in concluded:
        crossing.setdefault(row["conclusion_category"], Counter())[row["pathway"]] += 1
    return PanelNumbers(
        panel=panel,
        period=period,
        referred=len(rounds),
        by_status=dict(Counter(row["status"] for row in rounds)),
        turnaround_days=Distribution(
            count=len(days),
            median=_round(interpolated_percentile(days, 0.5)),
            p90=_round(interpolated_percentile(days, 0.9)),
        ),
        disagreement={
            kind: Rate(kinds.get(kind, 0), len(reviewed)) for kind in Disagreement.values
        },
        escalated=Rate(sum(len(row["escalated"]) > 1 for row in reviewed), len(reviewed)),
        agrees_with_pathway=Rate(
            sum(row["conclusion_category"] == row["pathway"] for row in concluded), len(concluded)
        ),
        agrees_with_board=Rate(
            sum(
                intents[row["case_id"]] == EXPECTED_INTENT[row["conclusion_category"]]
                for row in decided
            ),
            len(decided),
        ),
        pathway_by_conclusion={key: dict(value) for key, value in crossing.items()},
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _rate(rate: Rate) -> dict[str, Any]:
    return {"count": rate.count, "of": rate.of, "rate": rate.rate}


def panel_numbers_data(numbers: PanelNumbers) -> dict[str, Any]:
    """The numbers as the API answers them (and the page reads them)."""
    return {
        "panel": {"id": str(numbers.panel.pk), "name": numbers.panel.name},
        "from": numbers.period.start,
        "to": numbers.period.end,
        "referred": numbers.referred,
        "by_status": {status: numbers.by_status.get(status, 0) for status in ReferralStatus.values},
        "turnaround_days": {
            "concluded": numbers.turnaround_days.count,
            "median": numbers.turnaround_days.median,
            "p90": numbers.turnaround_days.p90,
        },
        "disagreement": {kind: _rate(rate) for kind, rate in numbers.disagreement.items()},
        "escalated": _rate(numbers.escalated),
        "agrees_with_pathway": _rate(numbers.agrees_with_pathway),
        "agrees_with_board": _rate(numbers.agrees_with_board),
        "pathway_by_conclusion": numbers.pathway_by_conclusion,
    }
