"""The panel member's pages: the queue of their reviews and conclusions, and the review page of
one case, pseudonymised (what `selectors.referral_view` gives the reader, nothing more: the
pseudonym, the age, the facts, the liver map and the pathway's recommendation from the snapshot
taken at referral; no name, MRN, birth date, hospital or link to the case).

The review and the conclusion are posted to their own addresses; htmx swaps the page's `round`
partial (where the round stands, the forms, the reviews once revealed, the conclusion), and
without JavaScript the post redirects back to the page, or renders it with the errors. Who may
review or conclude is the services' decision (403), as is every rule of the plan (400) and of
the round's state (409)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role
from apps.recommendations.panel import snapshot_panel_html

from .. import selectors, services
from ..choices import OPEN_STATUSES, PanelCategory, ReferralStatus
from ..models import PanelReferral
from ..plans import plan_lines
from .common import answer, readable_referral_or_404
from .forms import ConclusionForm, ReviewForm

PAGE = "liverpanel/referral_review.html"
ROUND = f"{PAGE}#round"
QUEUE = "liverpanel/review_queue.html"
RECENTLY_CLOSED = 10


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """My panel reviews: the reviews to submit (soonest due first), the conclusions to write
    (a chair), the reviews in while the others are awaited, and the cases recently closed."""
    user = request.user
    mine = selectors.member_referrals(user=user)
    to_review = list(selectors.open_reviews(user=user))
    to_conclude = list(selectors.conclusions_to_write(user=user))
    # In one filter(): the conditions hold for the same review, the user's own, submitted.
    waiting = list(
        mine.filter(
            status__in=OPEN_STATUSES,
            reviews__member__user=user,
            reviews__submitted_at__isnull=False,
        )
    )
    closed = list(
        mine.filter(status__in=[ReferralStatus.CONCLUDED, ReferralStatus.WITHDRAWN])
        .filter(Q(reviews__member__user=user) | Q(concluded_by=user))
        .distinct()
        .order_by("-updated_at")[:RECENTLY_CLOSED]
    )
    context = {
        "to_review": to_review,
        "to_conclude": to_conclude,
        "waiting": waiting,
        "closed": closed,
        "today": timezone.localdate(),
        "is_member": bool(to_review or to_conclude or waiting or closed)
        or user.panel_memberships.exists(),
    }
    return render(request, QUEUE, context)


def page_context(
    request: HttpRequest,
    referral: PanelReferral,
    *,
    review_form: ReviewForm | None = None,
    conclusion_form: ConclusionForm | None = None,
    error: ApplicationError | None = None,
    saved: str = "",
) -> dict[str, Any]:
    """The review page as this reader may see it; a bound form (with its errors) replaces the
    blank one of its section."""
    view = selectors.referral_view(referral=referral, user=request.user)
    today = timezone.localdate()
    if review_form is None and view.can_review:
        review_form = ReviewForm(lesions=view.lesions)
    if conclusion_form is None and view.can_conclude:
        conclusion_form = ConclusionForm(
            lesions=view.lesions,
            categories=view.allowed_conclusions,
            initial={"rereview_on": services.default_rereview_on(referral)},
        )
    mine = view.mine if view.mine is not None and view.mine.submitted_at else None
    return {
        "view": view,
        "referral": referral,
        "recommendation": snapshot_panel_html(referral.snapshot, panel_id="panel-case"),
        "today": today,
        "overdue": referral.status in OPEN_STATUSES and referral.due_on < today,
        "mine": mine,
        "mine_lines": plan_lines(mine.plan, view.lesions) if mine else [],
        "mine_category": PanelCategory(mine.category).label if mine else "",
        "tied": [PanelCategory(category).label for category in view.allowed_conclusions]
        if view.revealed and not referral.majority_category
        else [],
        "review_form": review_form if view.can_review else None,
        "conclusion_form": conclusion_form if view.can_conclude else None,
        "error": error,
        "saved": saved,
        "page_url": reverse("liverpanel:review", kwargs={"referral_id": referral.pk}),
    }


@login_required
@require_GET
def review_page(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = readable_referral_or_404(request, referral_id)
    return render(request, PAGE, page_context(request, referral))


def _require_clinician(request: HttpRequest) -> None:
    """Reviews and conclusions are liver surgeons' (clinicians), as in the API; which surgeon
    may write which is the services' decision."""
    if not has_role(request.user, Role.CLINICIAN):
        raise PermissionDenied("Only a liver surgeon reviews or concludes.")


def _answer(
    request: HttpRequest, referral: PanelReferral, *, status: int = 200, **parts: Any
) -> HttpResponse:
    if status < 400:
        # Read again: the write moved the round on (or closed it).
        referral = readable_referral_or_404(request, referral.pk)
    context = page_context(request, referral, **parts)
    return answer(
        request,
        page=PAGE,
        fragment=ROUND,
        context=context,
        status=status,
        success_url=f"{context['page_url']}#round",
    )


@login_required
@require_POST
def review_submit(request: HttpRequest, referral_id: Any) -> HttpResponse:
    """A drawn surgeon's review: final once submitted (the service refuses anyone else, 403,
    and a round already closed, 409)."""
    referral = readable_referral_or_404(request, referral_id)
    _require_clinician(request)
    lesions = referral.snapshot.facts.get("liver", {}).get("lesions", [])
    form = ReviewForm(request.POST, lesions=lesions)
    if not form.is_valid():
        return _answer(request, referral, status=400, review_form=form)
    try:
        services.panel_review_submit(
            referral=referral,
            reviewer=request.user,
            category=form.cleaned_data["category"],
            plan=form.plan(),
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        form.add_service_errors(error)
        return _answer(request, referral, status=error.status, review_form=form, error=error)
    return _answer(request, referral, saved="review")


@login_required
@require_POST
def conclude(request: HttpRequest, referral_id: Any) -> HttpResponse:
    """The chair's conclusion once every review is in (the service refuses anyone else, 403)."""
    referral = readable_referral_or_404(request, referral_id)
    _require_clinician(request)
    view = selectors.referral_view(referral=referral, user=request.user)
    form = ConclusionForm(
        request.POST,
        lesions=view.lesions,
        # Offered: what the reviews allow. Anything else is the service's to refuse, beside
        # the field, so the form takes every category.
        categories=None,
    )
    if not form.is_valid():
        return _answer(request, referral, status=400, conclusion_form=_limited(form, view))
    try:
        services.panel_conclusion_record(
            referral=referral,
            chair=request.user,
            category=form.cleaned_data["category"],
            plan=form.plan(),
            note=form.cleaned_data["note"],
            rereview_on=form.cleaned_data["rereview_on"],
        )
    except ApplicationError as error:
        form.add_service_errors(error)
        return _answer(
            request,
            referral,
            status=error.status,
            conclusion_form=_limited(form, view),
            error=error,
        )
    return _answer(request, referral, saved="conclusion")


def _limited(form: ConclusionForm, view: Any) -> ConclusionForm:
    """The bound form offering again only the categories the reviews allow."""
    if view.allowed_conclusions:
        form.fields["category"].choices = [
            (category, PanelCategory(category).label) for category in view.allowed_conclusions
        ]
    return form
