"""The liver expert panel seen from the case, by the referring hospital's staff: the case page's
section (`case_panel_context`, which the workspace's case page merges into its context), and the
coordinator's actions on it: send the case to a panel (or again, for a re-review), withdraw a
round, schedule or cancel its re-review.

The case is found through the case selectors' scoping and a round through the hospital's
referrals, so anything outside answers 404; a write by anyone but a coordinator is 403. Each
action answers the section for htmx; without JavaScript it redirects to the case page after
success, or renders the section on a page of its own with the errors (this app does not build
the case page: the workspace above it does)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role, user_hospital
from apps.patients.choices import FINISHED_STATUSES
from apps.patients.models import MdtCase
from apps.patients.selectors import case_list

from .. import selectors, services
from ..choices import OPEN_STATUSES, PanelCategory, ReferralStatus
from ..models import ExpertPanel, PanelMember, PanelReferral
from ..selectors import ReferralView
from .common import answer, hospital_referral_or_404
from .forms import RereviewForm, SendForm, WithdrawForm, add_service_errors

SECTION = "liverpanel/_case_panel.html"
PAGE = "liverpanel/case_panel.html"


def _is_coordinator(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR) and user_hospital(user) is not None


def _require_coordinator(request: HttpRequest) -> None:
    if not _is_coordinator(request.user):
        raise PermissionDenied("Only a coordinator sends cases to the panel and manages rounds.")


def _panels(user: Any) -> list[ExpertPanel]:
    """The panels the user's hospital sends cases to, each with its active members (whom the
    send form offers as the referring surgeon): two queries."""
    members = (
        PanelMember.objects.filter(active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return list(
        selectors.panels_taking_cases(hospital=user_hospital(user)).prefetch_related(
            Prefetch("members", queryset=members, to_attr="active_members")
        )
    )


def _ids(action: str, referral_id: Any) -> str:
    """Each round's forms their own element ids (the section lists several rounds)."""
    return f"{action}-{referral_id}-%s"


@dataclass
class RoundShown:
    """One round of the case with a panel, as the section shows it, with its controls."""

    view: ReferralView
    overdue: bool
    conclusion_label: str
    followed_by: PanelReferral | None
    rereview_due: bool
    can_withdraw: bool
    can_schedule: bool
    withdraw_form: WithdrawForm
    rereview_form: RereviewForm
    error: ApplicationError | None = None


def _rounds(
    case: MdtCase, user: Any, coordinator: bool, failed: dict[str, Any] | None
) -> list[RoundShown]:
    """The case's rounds, newest first: two queries each (its reviews, and whether the reader
    chairs its panel), none for the earlier round a re-review follows."""
    referrals = list(selectors.case_referrals(case=case))
    followed = {referral.previous_id: referral for referral in referrals if referral.previous_id}
    today = timezone.localdate()
    rounds = []
    for referral in referrals:
        concluded = referral.status == ReferralStatus.CONCLUDED
        following = followed.get(referral.pk)
        own = failed if failed and failed.get("referral_id") == referral.pk else {}
        rounds.append(
            RoundShown(
                view=selectors.referral_view(referral=referral, user=user),
                overdue=referral.status in OPEN_STATUSES and referral.due_on < today,
                conclusion_label=PanelCategory(referral.conclusion_category).label
                if referral.conclusion_category
                else "",
                followed_by=following,
                rereview_due=concluded
                and following is None
                and referral.rereview_on is not None
                and referral.rereview_on <= today,
                can_withdraw=coordinator
                and referral.status not in (ReferralStatus.CONCLUDED, ReferralStatus.WITHDRAWN),
                can_schedule=coordinator and concluded and following is None,
                withdraw_form=own.get("withdraw_form")
                or WithdrawForm(auto_id=_ids("withdraw", referral.pk)),
                rereview_form=own.get("rereview_form")
                or RereviewForm(
                    initial={"rereview_on": referral.rereview_on},
                    auto_id=_ids("rereview", referral.pk),
                ),
                error=own.get("error"),
            )
        )
    return rounds


def case_panel_context(
    *,
    case: MdtCase,
    user: Any,
    send_form: SendForm | None = None,
    send_error: ApplicationError | None = None,
    failed: dict[str, Any] | None = None,
    saved: str = "",
) -> dict[str, Any]:
    """What the case page's "Liver expert panel" section needs, under one key (`liver_panel`):
    the case's rounds, each as the user may see it, and for a coordinator the send form (open,
    and filled in to review the round again, when a re-review is due). `send_form`, `failed`
    (a round's form with its errors) and `saved` come from this module's actions.

    Queries: the rounds (one), two per round, and for a coordinator the panels and their
    members (two)."""
    coordinator = _is_coordinator(user)
    rounds = _rounds(case, user, coordinator, failed)
    due = next((shown for shown in rounds if shown.rereview_due), None)
    can_send = coordinator and case.status not in FINISHED_STATUSES
    if can_send and send_form is None:
        initial: dict[str, Any] = {}
        if due is not None:
            previous = due.view.referral
            initial = {
                "panel": str(previous.panel_id),
                "previous": previous.pk,
                "question": previous.question,
            }
        send_form = SendForm(initial=initial, panels=_panels(user))
    return {
        "liver_panel": {
            "rounds": rounds,
            "can_send": can_send,
            "send_form": send_form if can_send else None,
            "send_error": send_error,
            "send_open": send_form is not None and (send_form.is_bound or due is not None),
            "rereview_due": due,
            "saved": saved,
        }
    }


def _case_url(case: MdtCase) -> str:
    """The case page's section (the workspace's page), or this app's own page of it."""
    try:
        return reverse("workspace:case-detail", kwargs={"case_id": case.pk}) + "#liver-panel"
    except NoReverseMatch:
        return reverse("liverpanel:case-send", kwargs={"case_id": case.pk})


def _answer(
    request: HttpRequest, case: MdtCase, *, status: int = 200, **parts: Any
) -> HttpResponse:
    context = {"case": case, **case_panel_context(case=case, user=request.user, **parts)}
    return answer(
        request,
        page=PAGE,
        fragment=SECTION,
        context=context,
        status=status,
        success_url=_case_url(case),
    )


@login_required
def case_send(request: HttpRequest, case_id: Any) -> HttpResponse:
    """Send the case to a panel (POST); a GET shows the section on its own page (the send form
    open), where the case page is out of reach."""
    case = get_object_or_404(case_list(user=request.user), pk=case_id)
    _require_coordinator(request)
    if request.method != "POST":
        context = {"case": case, **case_panel_context(case=case, user=request.user)}
        context["liver_panel"]["send_open"] = True
        return render(request, PAGE, context)
    form = SendForm(request.POST, panels=_panels(request.user))
    if not form.is_valid():
        return _answer(request, case, status=400, send_form=form)
    data = form.cleaned_data
    previous = None
    if data["previous"]:
        previous = selectors.case_referrals(case=case).filter(pk=data["previous"]).first()
        if previous is None:
            form.add_error(None, "The round to review again is not one of this case's.")
            return _answer(request, case, status=400, send_form=form)
    try:
        services.panel_referral_create(
            case=case,
            panel=data["panel_object"],
            question=data["question"],
            actor=request.user,
            referring_surgeon=data["surgeon"],
            due_on=data["due_on"],
            previous=previous,
        )
    except ApplicationError as error:
        add_service_errors(form, error)
        return _answer(request, case, status=error.status, send_form=form, send_error=error)
    return _answer(request, case, saved="sent")


def _round_action(
    request: HttpRequest,
    referral_id: Any,
    form_name: str,
    form: forms.Form,
    write: Callable[[PanelReferral, dict[str, Any]], Any],
) -> HttpResponse:
    """A coordinator's action on one round: validate, write (a service), answer the section."""
    referral = hospital_referral_or_404(request, referral_id)
    _require_coordinator(request)
    case = referral.case
    failed = {"referral_id": referral.pk, form_name: form}
    if not form.is_valid():
        return _answer(request, case, status=400, failed=failed)
    try:
        write(referral, form.cleaned_data)
    except ApplicationError as error:
        add_service_errors(form, error)
        return _answer(request, case, status=error.status, failed={**failed, "error": error})
    return _answer(request, case, saved=form_name.removesuffix("_form"))


@login_required
@require_POST
def withdraw(request: HttpRequest, referral_id: Any) -> HttpResponse:
    """Take the case back from the panel before it concludes; the reason is required."""
    return _round_action(
        request,
        referral_id,
        "withdraw_form",
        WithdrawForm(request.POST, auto_id=_ids("withdraw", referral_id)),
        lambda referral, data: services.panel_referral_withdraw(
            referral=referral, actor=request.user, reason=data["reason"]
        ),
    )


@login_required
@require_POST
def rereview(request: HttpRequest, referral_id: Any) -> HttpResponse:
    """Schedule the concluded round's re-review, or cancel it with an empty date."""
    return _round_action(
        request,
        referral_id,
        "rereview_form",
        RereviewForm(request.POST, auto_id=_ids("rereview", referral_id)),
        lambda referral, data: services.panel_rereview_schedule(
            referral=referral, actor=request.user, on=data["rereview_on"]
        ),
    )
