"""The pathway page: the version in use, how many open cases still carry a recommendation of an
earlier one, the coordinator's "Re-evaluate all open cases" with its progress, what changed per
case (those on the next agenda first), and the cases whose facts the pathway refuses."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.core.choices import Role
from apps.core.roles import has_role, user_hospital
from apps.pathways import registry
from apps.recommendations import selectors as recommendation_selectors
from apps.recommendations.choices import ReevaluationStatus
from apps.recommendations.services import reevaluation_request

from .. import selectors
from ..forms import labelled_errors

TEMPLATE = "workspace/pathway.html"
CHANGES_PER_PAGE = 50
IN_FLIGHT = {ReevaluationStatus.PENDING, ReevaluationStatus.RUNNING}


def _titles() -> dict[str, str]:
    """Every code's title, the newest version's winning (a run compares two versions)."""
    titles: dict[str, str] = {}
    for module in registry.VERSIONS.values():
        titles.update({code: entry.title for code, entry in module.CATALOGUE.items()})
    return titles


def _change_rows(page: Any) -> list[dict[str, Any]]:
    titles = _titles()
    rows = []
    for record in page:
        changes = record.changes or {}

        def named(codes: list[str]) -> list[str]:
            return [titles.get(code, code) for code in codes]

        rows.append(
            {
                "record": record,
                "case": record.case,
                "next_meeting_at": record.next_meeting_at,
                "primary_before": titles.get(changes.get("primary_before") or "", ""),
                "primary_after": titles.get(changes.get("primary_after") or "", ""),
                "added": named(changes.get("added", [])),
                "removed": named(changes.get("removed", [])),
                "new_cautions": named(changes.get("new_cautions", [])),
                "summary": changes.get("summary_after") or "",
                "errors": labelled_errors(changes.get("errors") or {}),
                "message": changes.get("message") or "",
            }
        )
    return rows


def _context(request: HttpRequest, run: Any = None) -> dict[str, Any]:
    hospital = user_hospital(request.user)
    run = run or recommendation_selectors.reevaluation_latest(hospital=hospital)
    rows: list[dict[str, Any]] = []
    page = None
    if run is not None and run.status not in IN_FLIGHT:
        page = Paginator(
            selectors.reevaluation_changes(reevaluation=run), CHANGES_PER_PAGE
        ).get_page(request.GET.get("page"))
        rows = _change_rows(page.object_list)
    current = registry.VERSIONS[registry.CURRENT_VERSION]
    return {
        "version": registry.CURRENT_VERSION,
        "title": current.TITLE,
        "stale_count": recommendation_selectors.stale_open_case_count(hospital=hospital),
        "refused": list(
            recommendation_selectors.cases_refused_by_current_pathway(hospital=hospital)[:100]
        ),
        "run": run,
        "polling": run is not None and run.status in IN_FLIGHT,
        "rows": rows,
        "page": page,
        "can_reevaluate": has_role(request.user, Role.COORDINATOR),
    }


@login_required
@require_GET
def pathway_page(request: HttpRequest) -> HttpResponse:
    """The page, or for htmx's poll its run panel alone."""
    context = _context(request)
    if request.htmx and request.htmx.target == "reevaluation":
        return render(request, f"{TEMPLATE}#run", context)
    return render(request, TEMPLATE, context)


@login_required
@require_POST
def reevaluate(request: HttpRequest) -> HttpResponse:
    """Re-evaluate every open case of the hospital with the current version (coordinator)."""
    if not has_role(request.user, Role.COORDINATOR) or user_hospital(request.user) is None:
        raise PermissionDenied("Only a coordinator re-evaluates the open cases.")
    run = reevaluation_request(hospital=user_hospital(request.user), actor=request.user)
    if request.htmx:
        run.refresh_from_db()
        return render(request, f"{TEMPLATE}#run", _context(request, run))
    return redirect("workspace:pathway")
