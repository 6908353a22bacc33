"""The steps the Celery task takes around a render (start, store, fail), apart from the
request (services.py) so that the one-way chain services -> tasks -> generation has no cycle.

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
import hashlib
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.ids import uuid_or_none
from apps.meetings.models import AgendaItem

from .choices import SummaryStatus
from .models import MeetingSummary, MeetingSummaryLetter

# Render attempts of one request, Celery's retries and redeliveries after a lost worker alike.
MAX_ATTEMPTS = 6
ATTEMPTS_EXHAUSTED = (
    f"Rendering did not finish in {MAX_ATTEMPTS} attempts (its worker stopped each time). "
    "Request the summary again; if it fails again, tell the administrator."
)


class SummaryGone(Exception):
    """The summary row no longer exists (its meeting was deleted): nothing to retry."""


class SummaryAttemptsExhausted(Exception):
    """The summary was started MAX_ATTEMPTS times without finishing: it is now failed."""


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
    from .pdf import render_letter_pdf, render_summary_pdf  # WeasyPrint loads on first use

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
    reader sees all of it or none. None when another delivery stored it first.

    Locks are taken in the order every meeting write takes them (meeting, agenda items, then
    the summary): the letters' agenda items first, then the summary's row."""
    # An item removed from the agenda since the request keeps its letter, unlinked (as the
    # letters of earlier versions are when it goes: SET_NULL). The rows are locked so that
    # none goes between this read and the insert; only their own rows (no join to the meeting).
    present = {
        str(pk)
        for pk in AgendaItem.objects.select_for_update(of=("self",))
        .filter(pk__in=list(letters))
        .order_by("pk")
        .values_list("pk", flat=True)
    }
    summary = _lock(summary_id)
    if summary.status == SummaryStatus.READY:
        return None
    cases = {case["item_id"]: case for case in summary.data["cases"]}
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
    pk = uuid_or_none(summary_id)
    if pk is None:
        return
    MeetingSummary.objects.filter(pk=pk).exclude(status=SummaryStatus.READY).update(
        status=SummaryStatus.PENDING, error=error, updated_at=timezone.now()
    )


def _lock(summary_id: str) -> MeetingSummary:
    """The summary's row, locked alone: its default ordering would join (and so lock) the
    meeting's row too, after the summary's, the reverse of a request's order (a deadlock)."""
    pk = uuid_or_none(summary_id)
    summary = (
        MeetingSummary.objects.select_for_update(of=("self",)).filter(pk=pk).order_by().first()
        if pk
        else None
    )
    if summary is None:
        raise SummaryGone(summary_id)
    return summary


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
