"""The e-mail a drawn reviewer receives (see tasks.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import PanelReview


def review_assigned_mail(*, review_id: str) -> bool:
    """E-mail the reviewer of `review_id` once; False when there is nothing to send (no mail
    configured, no address, already sent, or the review is gone or done)."""
    if not settings.PANEL_EMAIL_ENABLED:
        return False
    with transaction.atomic():
        review = (
            PanelReview.objects.select_for_update()
            .select_related("member__user", "referral__panel")
            .filter(pk=review_id, submitted_at__isnull=True, notified_at__isnull=True)
            .first()
        )
        if review is None or not review.member.user.email:
            return False
        referral = review.referral
        address = settings.SITE_URL.rstrip("/") + reverse(
            "liverpanel:review", kwargs={"referral_id": referral.pk}
        )
        send_mail(
            subject=f"{referral.panel.name}: case {referral.pseudonym} to review",
            message=(
                f"You have been drawn to review case {referral.pseudonym} for "
                f"{referral.panel.name}, due on {referral.due_on:%d %B %Y}.\n\n"
                f"Review it here (sign in first): {address}\n\n"
                "Your review is independent: the other reviewers' calls are shown once every "
                "review is in."
            ),
            from_email=None,
            recipient_list=[review.member.user.email],
        )
        PanelReview.objects.filter(pk=review.pk).update(notified_at=timezone.now())
    return True
