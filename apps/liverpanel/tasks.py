"""Celery tasks of the liver expert panel: telling a drawn reviewer by e-mail.

The in-app task (the reviewer's task list) is the notification that always exists; the e-mail
goes only where Django's mail settings are configured (`EMAIL_URL`) and the reviewer has an
address. It names the panel and the case's pseudonym, never the patient, and links to the review.
The task takes the review's id, is idempotent (a review e-mailed once is not e-mailed again) and
retried with backoff when the mail server is unreachable.
"""

from __future__ import annotations

import logging

from celery import shared_task

from .notifications import review_assigned_mail

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def review_assigned_notify(self, review_id: str) -> None:  # type: ignore[no-untyped-def]
    sent = review_assigned_mail(review_id=review_id)
    logger.info("panel review %s: e-mail %s", review_id, "sent" if sent else "not needed")
