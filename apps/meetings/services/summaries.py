"""Writes of a meeting's printable summaries: the request (one version per state of the
meeting), and the steps the Celery task takes to render it (start, store, fail).

A request reads the meeting's data (`summary_data`) and hashes it. An unchanged meeting finds
its summary by that hash and gets the same document back, without a second render, and that
summary becomes the meeting's current one again (`requested_at`); a failed or stuck one
(selectors.summaries.summary_stuck) is queued again on the same row. Anything else is a new
version, queued once the request commits (`transaction.on_commit`, so the worker never looks
for a row it cannot see yet). A broker that cannot be reached then fails the summary with a
readable error instead of the request.

Rendering takes seconds, so it runs outside any transaction: `summary_start` marks the row
running in one short transaction, the PDFs are rendered, and `summary_store` writes them in
another, under the row's lock, unless another delivery of the task got there first. A delivery
that finds the row ready does nothing: the task is idempotent, and a message delivered twice
(a worker killed after its work but before its acknowledgement) renders at most once more.
Every start counts an attempt, redeliveries after a killed worker included (which Celery's
retry count does not see): past MAX_ATTEMPTS the summary fails without rendering, so a document
that kills its worker is not delivered for ever.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from apps.core.services import save_audited

from ..choices import SummaryStatus
from ..models import AgendaItem, Meeting, MeetingSummary, MeetingSummaryLetter
from ..selectors.summaries import summary_stuck
from ..summary_data import content_key, summary_data
from .checks import lock_meeting

logger = logging.getLogger(__name__)

# Render attempts of one request, Celery's retries and redeliveries after a lost worker alike.
MAX_ATTEMPTS = 6
BROKER_UNREACHABLE = "The task queue could not be reached; try again."
ATTEMPTS_EXHAUSTED = (
    f"Rendering did not finish in {MAX_ATTEMPTS} attempts (its worker stopped each time). "
    "Request the summary again; if it fails again, tell the administrator."
)


class SummaryGone(Exception):
    """The summary row no longer exists (its meeting was deleted): nothing to retry."""


class SummaryAttemptsExhausted(Exception):
    """The summary was started MAX_ATTEMPTS times without finishing: it is now failed."""


@transaction.atomic
def summary_request(*, meeting: Meeting, actor: Any) -> MeetingSummary:
    """The summary of the meeting as it stands: the existing one when nothing changed since it
    was requested, else a new version queued for rendering."""
    # The meeting's lock orders concurrent requests, so two of them never take one version
    # number, and the data read is the state every meeting write has left.
    locked = lock_meeting(meeting)
    data = summary_data(meeting=locked)
    key = content_key(data)
    # Locked too (its own row only): a task storing the render meanwhile must not be written
    # over with this older copy.
    existing = (
        MeetingSummary.objects.select_for_update(of=("self",))
        .filter(meeting=locked, content_key=key)
        .order_by()
        .defer("pdf")
        .first()
    )
    now = timezone.now()
    if existing is not None:
        if existing.status == SummaryStatus.FAILED or summary_stuck(existing, now=now):
            existing.status = SummaryStatus.PENDING
            existing.error = ""
            existing.requested_by = actor
            existing.requested_at = now
            existing.attempts = 0  # a new round of attempts (MAX_ATTEMPTS)
            existing.started_at = existing.finished_at = None
            save_audited(existing, actor=actor)
            _enqueue(existing)
        else:
            # Only the time moves (no audit entry: nothing about the document changed), and
            # not updated_at, which times a pending summary's wait for its task.
            MeetingSummary.objects.filter(pk=existing.pk).update(requested_at=now)
            existing.requested_at = now
        return existing

    last = MeetingSummary.objects.filter(meeting=locked).aggregate(last=Max("version"))["last"]
    summary = MeetingSummary(
        meeting=locked,
        version=(last or 0) + 1,
        data=data,
        content_key=key,
        draft=data["draft"],
        requested_by=actor,
        requested_at=now,
    )
    save_audited(summary, actor=actor)
    _enqueue(summary)
    return summary


def _enqueue(summary: MeetingSummary) -> None:
    transaction.on_commit(functools.partial(_send, str(summary.pk)))


def _send(summary_id: str) -> None:
    """Queue the render (after the request committed). A broker that cannot be reached fails
    the summary with a readable error at once: the request still answers, and asking again
    queues it again, instead of a 500 and a pending row that waits until it counts as stuck."""
    from ..tasks import summary_render  # the task module imports this one

    try:
        summary_render.delay(summary_id)
    except (BrokerError, OSError) as error:  # kombu wraps the transport's connection errors
        # The id and the kind of error only: the broker's message may hold its URL.
        logger.error("summary %s could not be queued (%s)", summary_id, type(error).__name__)
        summary_fail(summary_id=summary_id, error=BROKER_UNREACHABLE)


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


def summary_start(*, summary_id: str) -> MeetingSummary | None:
    """Mark the summary running and count the attempt; None when it is already ready. Raises
    SummaryAttemptsExhausted, having marked it failed, when MAX_ATTEMPTS starts went before."""
    with transaction.atomic():
        summary = _lock(summary_id)
        if summary.status == SummaryStatus.READY:
            return None
        if summary.attempts < MAX_ATTEMPTS:
            summary.status = SummaryStatus.RUNNING
            summary.started_at = timezone.now()
            summary.attempts += 1
            summary.error = ""
            summary.save(update_fields=["status", "started_at", "attempts", "error", "updated_at"])
            return summary
        summary.status = SummaryStatus.FAILED
        summary.error = ATTEMPTS_EXHAUSTED
        summary.finished_at = timezone.now()
        summary.save(update_fields=["status", "error", "finished_at", "updated_at"])
    # Raised once the failure is committed.
    raise SummaryAttemptsExhausted(summary_id)


@transaction.atomic
def summary_store(
    *, summary_id: str, pdf: bytes, letters: dict[str, bytes]
) -> MeetingSummary | None:
    """Store the rendered summary and its letters and mark it ready, in one transaction: a
    reader sees all of it or none. None when another delivery stored it first."""
    summary = _lock(summary_id)
    if summary.status == SummaryStatus.READY:
        return None
    cases = {case["item_id"]: case for case in summary.data["cases"]}
    # An item removed from the agenda since the request keeps its letter, unlinked (as the
    # letters of earlier versions are when it goes: SET_NULL). The rows are locked so that
    # none goes between this read and the insert.
    present = {
        str(pk)
        for pk in AgendaItem.objects.select_for_update()
        .filter(pk__in=list(letters))
        .values_list("pk", flat=True)
    }
    MeetingSummaryLetter.objects.filter(summary=summary).delete()
    MeetingSummaryLetter.objects.bulk_create(
        MeetingSummaryLetter(
            summary=summary,
            agenda_item_id=item_id if item_id in present else None,
            item_ref=item_id,
            position=cases[item_id]["position"],
            patient=cases[item_id]["patient"]["name"],
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
