"""The recommendation on the case pages: the live panel beside the intake form (evaluates what
is typed, stores nothing) and "Recalculate" on the case page (stores a new snapshot)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.casefacts.selectors import case_with_facts
from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role, user_roles
from apps.pathways import registry
from apps.pathways.result import result_to_dict
from apps.patients.selectors import case_list
from apps.recommendations import services
from apps.recommendations.panel import snapshot_panel_html
from apps.recommendations.presentation import panel_context
from apps.recommendations.selectors import recommendation_latest

from ..forms import intake_form_from_post, labelled_errors


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The panel for the facts in the posted intake form, or what is still missing. Always 200
    so htmx swaps it in: an incomplete form is the normal state while typing."""
    if not user_roles(request.user):
        raise PermissionDenied("Your account has no role.")
    form = intake_form_from_post(request.POST, request.user)
    facts, raw, errors = form.parse()
    context: dict[str, Any] = {"form": form}
    if facts is None:
        context["missing"] = form.describe_errors(errors)
    else:
        result = result_to_dict(registry.evaluate(facts))
        context["panel"] = panel_context(result, raw["liver"]["lesions"])
    return render(request, "workspace/_preview.html", context)


@login_required
@require_POST
def case_recalculate(request: HttpRequest, case_id: Any) -> HttpResponse:
    """Evaluate the case's recorded facts now and keep the snapshot (coordinator, clinician)."""
    case = get_object_or_404(case_list(user=request.user), pk=case_id)
    if not has_role(request.user, Role.COORDINATOR, Role.CLINICIAN):
        raise PermissionDenied("Only coordinators and clinicians recalculate.")
    error = None
    try:
        services.recommendation_create(case=case, actor=request.user)
    except ApplicationError as exc:
        # The fields named as the form names them, not as paths.
        exc.errors = labelled_errors(exc.errors)
        error = exc
    if not request.htmx and error is None:
        return redirect("workspace:case-detail", case_id=case.id)
    case = case_with_facts(case=case)
    snapshot = recommendation_latest(case=case)
    panel = snapshot_panel_html(snapshot, panel_id="case") if snapshot is not None else None
    context = {
        "case": case,
        "snapshot": snapshot,
        "panel": panel,
        "can_recalculate": True,
        "recalculate_error": error,
    }
    status = error.status if error is not None else 200
    if not request.htmx:
        return render(request, "workspace/recalculate_error.html", context, status=status)
    return render(request, "workspace/_case_recommendation.html", context, status=status)
