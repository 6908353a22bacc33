"""What the panel's pages share: the referral a reader may see (else 404) and the answer to a
form post (htmx: the partial again, with the error status; without JavaScript: a redirect after
success, the whole page with the errors otherwise)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import selectors
from ..models import PanelReferral


def readable_referral_or_404(request: HttpRequest, referral_id: Any) -> PanelReferral:
    """A referral the user may read (drawn for it, chair of its panel, or staff of the referring
    hospital); anyone else is told it does not exist."""
    try:
        return selectors.referral_readable_get(user=request.user, referral_id=referral_id)
    except PanelReferral.DoesNotExist:
        raise Http404("No such panel case.") from None


def hospital_referral_or_404(request: HttpRequest, referral_id: Any) -> PanelReferral:
    """A round of one of the user's hospital's cases (the case-side actions)."""
    found = selectors.hospital_referrals(user=request.user).filter(pk=referral_id).first()
    if found is None:
        raise Http404("No such panel round.")
    return found


def answer(
    request: HttpRequest,
    *,
    page: str,
    fragment: str,
    context: dict[str, Any],
    status: int,
    success_url: str,
) -> HttpResponse:
    """After a form post: for htmx the `fragment` (whatever the status: htmx swaps 4xx answers,
    base.html); without JavaScript a redirect after success, else the `page` with its errors."""
    if request.htmx:
        return render(request, fragment, context, status=status)
    if status < 400:
        return redirect(success_url)
    return render(request, page, context, status=status)
