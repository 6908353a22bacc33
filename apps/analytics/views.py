"""Browser pages: the board's numbers (/analytics/, each metric's CSV) and the case worklist
board (/worklist/).

Every role of the hospital may read them (coordinators, clinicians and viewers): the numbers
name no patient, and the worklist shows each role what the case list already shows it. A
logged-in account without a role in a hospital is refused (403)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.core.models import Hospital
from apps.core.pagination import CountedPaginator
from apps.core.roles import user_hospital, user_roles
from apps.meetings.selectors.rediscussion import REDISCUSSION_LOOK_AHEAD

from .charts import bar_chart
from .choices import WorklistStage
from .export import csv_response
from .metrics import BARS, COUNT, DAYS, PERCENT, SECONDS, Scope, Table, metric_get, metric_list
from .periods import period_from_query
from .worklist import (
    board_columns,
    days_in_stage,
    rediscussions_due,
    referring_clinicians,
    waiting_for_meeting,
    worklist_cases,
    worklist_counts,
)

CASES_PER_PAGE = 25
CASES_PER_COLUMN = 5
CASES_PER_SECTION = 10
WORKLIST_FLAGS = {
    "rediscussion_due": "Due for re-discussion",
    "waiting_for_meeting": "Waiting for a meeting",
}


def _hospital(request: HttpRequest) -> Hospital:
    hospital = user_hospital(request.user)
    if hospital is None or not user_roles(request.user):
        raise PermissionDenied("Your account has no role in a hospital; ask an administrator.")
    return hospital


def figure_text(value: Any, unit: str) -> str:
    """A figure as people read it: "34 days", "10 min 5 s", "33.3 %"; "no data" for none."""
    if value is None:
        return "no data"
    if unit == SECONDS:
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
    number = f"{value:,.1f}".removesuffix(".0") if isinstance(value, float) else f"{value:,}"
    if unit == DAYS:
        return f"{number} day{'' if value == 1 else 's'}"
    if unit == PERCENT:
        return f"{number} %"
    return number


def _panel(metric: Any, table: Table) -> dict[str, Any]:
    """What the page shows of one metric: its chart (or large figures) and its table's cells."""
    panel: dict[str, Any] = {"metric": metric, "table": table}
    if metric.chart == BARS:
        label = table.columns[0].key
        panel["cells"] = [
            [
                row[label],
                *(
                    figure_text(row[column.key], PERCENT if column.key == "percent" else COUNT)
                    for column in table.columns[1:]
                ),
            ]
            for row in table.rows
        ]
        if not table.empty:
            panel["chart"] = bar_chart(table)
    else:
        panel["cells"] = [
            [row["measure"], figure_text(row["value"], unit)]
            for row, unit in zip(table.rows, table.units, strict=True)
        ]
    return panel


@login_required
@require_GET
def analytics_page(request: HttpRequest) -> HttpResponse:
    hospital = _hospital(request)
    period, errors = period_from_query(request.GET)
    context: dict[str, Any] = {
        "errors": errors,
        "form": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
    }
    if period is None:
        return render(request, "analytics/analytics.html", context, status=400)
    scope = Scope(hospital=hospital, period=period)
    context.update(
        period=period,
        query=urlencode({"from": f"{period.start:%Y-%m-%d}", "to": f"{period.end:%Y-%m-%d}"}),
        panels=[_panel(metric, metric.compute(scope)) for metric in metric_list()],
    )
    context["form"] = {"from": f"{period.start:%Y-%m-%d}", "to": f"{period.end:%Y-%m-%d}"}
    return render(request, "analytics/analytics.html", context)


@login_required
@require_GET
def metric_csv(request: HttpRequest, metric: str) -> HttpResponse:
    hospital = _hospital(request)
    found = metric_get(metric)
    if found is None:
        raise Http404("No such metric.")
    period, errors = period_from_query(request.GET)
    if period is None:
        lines = [f"{field}: {' '.join(messages)}" for field, messages in errors.items()]
        return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")
    return csv_response(found, found.compute(Scope(hospital=hospital, period=period)), period)


@login_required
@require_GET
def worklist_page(request: HttpRequest) -> HttpResponse:
    hospital = _hospital(request)
    stage = request.GET.get("stage", "")
    if stage not in WorklistStage.values:
        stage = ""
    flag = request.GET.get("flag", "")
    if flag not in WORKLIST_FLAGS:
        flag = ""
    clinicians = referring_clinicians(user=request.user)
    clinician = request.GET.get("referring_clinician", "")
    if clinician not in clinicians:
        clinician = ""
    # A NUL cannot be in a database string: it matches nothing, so it is dropped.
    query = request.GET.get("q", "").replace("\x00", "")[:100]
    today = timezone.localdate()
    cases = worklist_cases(
        user=request.user, referring_clinician=clinician, query=query, flag=flag, today=today
    )
    counts = worklist_counts(
        user=request.user, referring_clinician=clinician, query=query, flag=flag, today=today
    )
    filters = {
        key: value
        for key, value in (("referring_clinician", clinician), ("q", query), ("flag", flag))
        if value
    }
    stages = [
        {
            "value": value,
            "label": label,
            "count": counts[value],
            "query": urlencode({**filters, "stage": value}),
        }
        for value, label in WorklistStage.choices
    ]
    context: dict[str, Any] = {
        "stages": stages,
        "stage": stage,
        "stage_label": WorklistStage(stage).label if stage else "",
        "clinicians": clinicians,
        "clinician": clinician,
        "query": query,
        "filtered": bool(filters),
        "total": sum(counts.values()),
        "filter_query": urlencode(filters),
        "flags": WORKLIST_FLAGS,
        "flag": flag,
        # The coordinator's week: due for re-discussion within a week, and the cases postponed
        # that no meeting has taken yet (one query each, at most CASES_PER_SECTION rows).
        "rediscussions": list(
            rediscussions_due(
                hospital=hospital,
                on_or_before=today + REDISCUSSION_LOOK_AHEAD,
                limit=CASES_PER_SECTION,
            )[:CASES_PER_SECTION]
        ),
        "waiting": waiting_for_meeting(hospital=hospital, limit=CASES_PER_SECTION),
        "today": today,
    }
    if stage:
        page = CountedPaginator(
            cases.filter(stage=stage), CASES_PER_PAGE, count=counts[stage]
        ).get_page(request.GET.get("page"))
        for case in page.object_list:
            case.days_in_stage = days_in_stage(case, today)
        context.update(page=page, page_query=urlencode({**filters, "stage": stage}))
    else:
        columns = board_columns(cases, per_stage=CASES_PER_COLUMN)
        for column in columns.values():
            for case in column:
                case.days_in_stage = days_in_stage(case, today)
        for entry in stages:
            entry["cases"] = columns[entry["value"]]
    return render(request, "analytics/worklist.html", context)
