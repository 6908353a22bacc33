"""Writes of a meeting's printable summaries as users ask for them: one version per state of
the meeting, queued for the Celery task (tasks.py, which calls generation.py).

A request reads the meeting's data (`data.summary_data`) and hashes it. An unchanged meeting finds
its summary by that hash and gets the same document back, without a second render, and that
summary becomes the meeting's current one again (`requested_at`); a failed or stuck one
(selectors.summary_stuck) is queued again on the same row. Anything else is a new version,
queued once the request commits (`transaction.on_commit`, so the worker never looks for a row it
cannot see yet). A broker that cannot be reached then fails the summary with a readable error,
and the request answers 503 with Retry-After (QueueUnavailable) instead of "queued".

Concurrent requests take the locks in the order every meeting write takes them (the meeting's
row, then the summary's), and a transaction the database still gives up on (a deadlock, a
serialization failure, SQLite's "database is locked") is run again (retry_on_conflict).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from apps.core.exceptions import ApplicationError
from apps.core.services import save_audited
from apps.core.transactions import retry_on_conflict
from apps.meetings.models import Meeting
from apps.meetings.services.checks import lock_meeting

from .choices import SummaryStatus
from .data import content_key, summary_data
from .generation import summary_fail
from .models import MeetingSummary
from .selectors import summary_stuck
from .tasks import summary_render

logger = logging.getLogger(__name__)

BROKER_UNREACHABLE = "The task queue could not be reached; try again."
# How long a client is asked to wait before asking again after the queue could not be reached.
QUEUE_RETRY_AFTER_SECONDS = 30


def summary_request(*, meeting: Meeting, actor: Any) -> MeetingSummary:
    """The summary of the meeting as it stands: the existing one when nothing changed since it
    was requested, else a new version queued for rendering. Raises ApplicationError (503, with
    Retry-After) when it had to be queued and the task queue could not be reached."""
    summary, queued = _summary_record(meeting=meeting, actor=actor)
    # Without an outer transaction the task was sent as the record committed, just now; inside
    # one it is sent at the outer commit, and there is nothing to tell yet.
    if queued and not transaction.get_connection().in_atomic_block:
        # Read apart: the returned summary keeps the status it had as it was queued (the
        # API's 202 or 200 says whether it was), whatever an in-process render did since.
        now = MeetingSummary.objects.filter(pk=summary.pk).values("status", "error").first()
        if now == {"status": SummaryStatus.FAILED, "error": BROKER_UNREACHABLE}:
            raise ApplicationError(
                BROKER_UNREACHABLE,
                errors={"": [f"Ask again in {QUEUE_RETRY_AFTER_SECONDS} seconds."]},
                status=503,
                retry_after=QUEUE_RETRY_AFTER_SECONDS,
            )
    return summary


@retry_on_conflict()
@transaction.atomic
def _summary_record(*, meeting: Meeting, actor: Any) -> tuple[MeetingSummary, bool]:
    """(the summary, whether it was queued now): the existing one when nothing changed since
    it was requested, else a new version, queued once this transaction commits."""
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
            return existing, True
        # Only the time moves (no audit entry: nothing about the document changed), and not
        # updated_at, which times a pending summary's wait for its task.
        MeetingSummary.objects.filter(pk=existing.pk).update(requested_at=now)
        existing.requested_at = now
        return existing, False

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
    return summary, True


def _enqueue(summary: MeetingSummary) -> None:
    transaction.on_commit(functools.partial(_send, str(summary.pk)))


def _send(summary_id: str) -> None:
    """Queue the render (after the request committed). A broker that cannot be reached fails
    the summary with a readable error at once: the request still answers, and asking again
    queues it again, instead of a 500 and a pending row that waits until it counts as stuck."""
    try:
        summary_render.delay(summary_id)
    except (BrokerError, OSError) as error:  # kombu wraps the transport's connection errors
        # The id and the kind of error only: the broker's message may hold its URL.
        logger.error("summary %s could not be queued (%s)", summary_id, type(error).__name__)
        summary_fail(summary_id=summary_id, error=BROKER_UNREACHABLE)
