"""The liver expert panel's numbers page (/analytics/panels/); the API answers the same
numbers at /api/v1/panels/<id>/numbers/.

Readable by whoever may see the panel (its members, the staff of the hospitals it serves, an
administrator): the numbers name no patient and no reviewer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.liverpanel.choices import Disagreement, PanelCategory, ReferralStatus
from apps.liverpanel.selectors import panels_visible

from .panel_numbers import PanelNumbers, Rate, panel_numbers
from .periods import period_from_query


def _percent(rate: Rate) -> str:
    if rate.rate is None:
        return "none to count"
    return f"{rate.rate * 100:.0f}% ({rate.count} of {rate.of})"


def _rows(numbers: PanelNumbers) -> list[tuple[str, str]]:
    days = numbers.turnaround_days
    turnaround = (
        f"median {days.median:g} days, 90th percentile {days.p90:g} days ({days.count} concluded)"
        if days.count
        else "no round concluded"
    )
    rows = [
        ("Cases sent", str(numbers.referred)),
        *[
            (f"· {ReferralStatus(status).label}", str(count))
            for status, count in sorted(numbers.by_status.items())
        ],
        ("Referral to conclusion", turnaround),
    ]
    rows += [
        (f"First three reviews: {Disagreement(kind).label.lower()}", _percent(rate))
        for kind, rate in numbers.disagreement.items()
    ]
    rows += [
        ("Escalated to five reviewers", _percent(numbers.escalated)),
        (
            "Conclusion agrees with the pathway's resectability",
            _percent(numbers.agrees_with_pathway),
        ),
        (
            "Conclusion agrees with the board's decision (curative or palliative intent)",
            _percent(numbers.agrees_with_board),
        ),
    ]
    return rows


@login_required
@require_GET
def panel_numbers_page(request: HttpRequest) -> HttpResponse:
    period, errors = period_from_query(request.GET)
    panels = list(panels_visible(user=request.user).order_by("name"))
    context: dict[str, Any] = {
        "errors": errors,
        "form": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
        "panels": [],
        "categories": PanelCategory.choices,
    }
    if period is None:
        return render(request, "analytics/panel_numbers.html", context, status=400)
    context["period"] = period
    context["form"] = {"from": f"{period.start:%Y-%m-%d}", "to": f"{period.end:%Y-%m-%d}"}
    context["panels"] = [
        {"panel": panel, "rows": _rows(panel_numbers(panel=panel, period=period))}
        for panel in panels
    ]
    return render(request, "analytics/panel_numbers.html", context)
