"""Writes of a meeting's printable summaries: the request (one version per state of the
meeting), and the steps the Celery task takes to render it (start, store, fail).

A request reads the meeting's data (`summary_data`) and hashes it. An unchanged meeting finds
its summary by that hash and gets the same document back, without a second render; a failed
one is queued again on the same row. Anything else is a new version, queued once the request
commits (`transaction.on_commit`, so the worker never looks for a row it cannot see yet).

Rendering takes seconds, so it runs outside any transaction: `summary_start` marks the row
running in one short transaction, the PDFs are rendered, and `summary_store` writes them in
another, under the row's lock, unless another delivery of the task got there first. A delivery
that finds the row ready does nothing: the task is idempotent, and a message delivered twice
(a worker killed after its work but before its acknowledgement) renders at most once more.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.services import save_audited

from ..choices import SummaryStatus
from ..models import Meeting, MeetingSummary, MeetingSummaryLetter
from ..summary_data import content_key, summary_data
from .checks import lock_meeting

logger = logging.getLogger(__name__)

# A pending summary whose task has not started after this long lost its message (a broker
# restart without persistence, say): asking again queues it again. The task is idempotent, so
# a message that was merely slow costs nothing but a no-op.
PENDING_REQUEUE_AFTER = datetime.timedelta(minutes=10)


class SummaryGone(Exception):
    """The summary row no longer exists (its meeting was deleted): nothing to retry."""


@transaction.atomic
def summary_request(*, meeting: Meeting, actor: Any) -> MeetingSummary:
    """The summary of the meeting as it stands: the existing one when nothing changed since it
    was requested, else a new version queued for rendering."""
    # The meeting's lock orders concurrent requests, so two of them never take one version
    # number, and the data read is the state every meeting write has left.
    locked = lock_meeting(meeting)
    data = summary_data(meeting=locked)
    key = content_key(data)
    existing = MeetingSummary.objects.filter(meeting=locked, content_key=key).defer("pdf").first()
    if existing is not None:
        stuck = (
            existing.status == SummaryStatus.PENDING
            and timezone.now() - existing.updated_at > PENDING_REQUEUE_AFTER
        )
        if existing.status == SummaryStatus.FAILED or stuck:
            existing.status = SummaryStatus.PENDING
            existing.error = ""
            existing.requested_by = actor
            save_audited(existing, actor=actor)
            _enqueue(existing)
        return existing

    last = MeetingSummary.objects.filter(meeting=locked).aggregate(last=Max("version"))["last"]
    summary = MeetingSummary(
        meeting=locked,
        version=(last or 0) + 1,
        data=data,
        content_key=key,
        draft=data["draft"],
        requested_by=actor,
    )
    save_audited(summary, actor=actor)
    _enqueue(summary)
    return summary


def _enqueue(summary: MeetingSummary) -> None:
    from ..tasks import summary_render  # the task module imports this one

    summary_id = str(summary.pk)
    transaction.on_commit(lambda: summary_render.delay(summary_id))


def summary_generate(*, summary_id: str) -> MeetingSummary | None:
    """Render and store the summary (the task's body). Returns None when there was nothing to
    do: the summary is already ready. Raises SummaryGone for a deleted summary; any other error
    is the caller's to retry."""
    summary = summary_start(summary_id=summary_id)
    if summary is None:
        return None
    delay = float(getattr(settings, "SUMMARY_RENDER_DELAY_SECONDS", 0) or 0)
    if delay:
        # Test hook (tests/integration): keeps the task mid-render long enough to kill the
        # worker there. Zero everywhere else.
        time.sleep(delay)
    pdf, letters = summary_documents(
        data=summary.data, version=summary.version, generated_at=timezone.now()
    )
    return summary_store(summary_id=summary_id, pdf=pdf, letters=letters)


def summary_documents(
    *, data: dict[str, Any], version: int, generated_at: datetime.datetime
) -> tuple[bytes, dict[str, bytes]]:
    """The summary PDF and each agenda case's outcome letter (by agenda item id) rendered from
    `data`: what the task does between its two short transactions (bench/summary.py times it)."""
    from ..pdf import render_letter_pdf, render_summary_pdf  # WeasyPrint loads on first use

    pdf = render_summary_pdf(data, generated_at=generated_at, version=version)
    letters = {
        case["item_id"]: render_letter_pdf(data, case, generated_at=generated_at, version=version)
        for case in data["cases"]
    }
    return pdf, letters


@transaction.atomic
def summary_start(*, summary_id: str) -> MeetingSummary | None:
    """Mark the summary running and count the attempt; None when it is already ready."""
    summary = _lock(summary_id)
    if summary.status == SummaryStatus.READY:
        return None
    summary.status = SummaryStatus.RUNNING
    summary.started_at = timezone.now()
    summary.attempts += 1
    summary.error = ""
    summary.save(update_fields=["status", "started_at", "attempts", "error", "updated_at"])
    return summary


@transaction.atomic
def summary_store(
    *, summary_id: str, pdf: bytes, letters: dict[str, bytes]
) -> MeetingSummary | None:
    """Store the rendered summary and its letters and mark it ready, in one transaction: a
    reader sees all of it or none. None when another delivery stored it first."""
    summary = _lock(summary_id)
    if summary.status == SummaryStatus.READY:
        return None
    MeetingSummaryLetter.objects.filter(summary=summary).delete()
    MeetingSummaryLetter.objects.bulk_create(
        MeetingSummaryLetter(
            summary=summary,
            agenda_item_id=item_id,
            pdf=letter,
            checksum=_sha256(letter),
            size=len(letter),
        )
        for item_id, letter in letters.items()
    )
    summary.pdf = pdf
    summary.checksum = _sha256(pdf)
    summary.size = len(pdf)
    summary.status = SummaryStatus.READY
    summary.error = ""
    summary.finished_at = timezone.now()
    summary.save(
        update_fields=["pdf", "checksum", "size", "status", "error", "finished_at", "updated_at"]
    )
    return summary


@transaction.atomic
def summary_fail(*, summary_id: str, error: str) -> None:
    """Give the summary up with a readable error (never patient data: the caller says what kind
    of failure it was, not what the exception's text held)."""
    try:
        summary = _lock(summary_id)
    except SummaryGone:
        return
    if summary.status == SummaryStatus.READY:
        return
    summary.status = SummaryStatus.FAILED
    summary.error = error
    summary.finished_at = timezone.now()
    summary.save(update_fields=["status", "error", "finished_at", "updated_at"])


@transaction.atomic
def summary_retrying(*, summary_id: str, error: str) -> None:
    """Note a failed attempt that will be retried (the status stays readable meanwhile)."""
    MeetingSummary.objects.filter(pk=_parse(summary_id)).exclude(status=SummaryStatus.READY).update(
        status=SummaryStatus.PENDING, error=error, updated_at=timezone.now()
    )


def _lock(summary_id: str) -> MeetingSummary:
    summary = MeetingSummary.objects.select_for_update().filter(pk=_parse(summary_id)).first()
    if summary is None:
        raise SummaryGone(summary_id)
    return summary


def _parse(summary_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(summary_id))
    except ValueError:
        raise SummaryGone(summary_id) from None


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
