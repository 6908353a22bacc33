"""Reads of a meeting's printable summaries. The meeting comes from `meeting_get(user=...)`,
which scopes it to the user's hospital; its summaries are then the user's to read (every role
of the hospital reads the agenda, and so the summary). The PDF bytes are deferred except where
a file is downloaded.

The meeting's current summary is the version asked for last (`requested_at`), not the highest
version number: a meeting changed and changed back is again in the state of an earlier version,
and a request then returns that version's document.

A summary can be stuck: its task's message lost (a broker restarted without persistence), or
its render killed without a redelivery in sight (an eager web process that died, a task past
its hard time limit). `summary_stuck` says so; a new request queues it again, and the status
panel offers that instead of polling for ever."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.ids import uuid_or_none
from apps.meetings.models import Meeting

from .choices import SummaryStatus
from .models import MeetingSummary, MeetingSummaryLetter

NO_SUMMARY = "No summary has been requested for this meeting yet."
NOT_READY = "This summary is not ready: see its status."

# A pending summary whose task has not started after this long lost its message. The task is
# idempotent, so a message that was merely slow costs nothing but a no-op.
PENDING_REQUEUE_AFTER = datetime.timedelta(minutes=10)
# A running render ends within the task's hard time limit (CELERY_TASK_TIME_LIMIT, when the
# worker kills it) or its worker died; past it and this slack (clock skew, the worker's own
# bookkeeping) nothing will finish it before the broker's visibility timeout, an hour away.
RUNNING_SLACK = datetime.timedelta(minutes=2)


def summary_stuck(summary: MeetingSummary, *, now: datetime.datetime | None = None) -> bool:
    """True when the summary is pending or running but nothing will finish it: asking again
    queues it again."""
    now = now or timezone.now()
    if summary.status == SummaryStatus.PENDING:
        return now - summary.updated_at > PENDING_REQUEUE_AFTER
    if summary.status == SummaryStatus.RUNNING:
        started = summary.started_at or summary.updated_at
        limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + RUNNING_SLACK
        return now - started > limit
    return False


def _summaries(meeting: Meeting) -> QuerySet[MeetingSummary]:
    return MeetingSummary.objects.filter(meeting=meeting).defer("pdf", "data")


def summary_latest(*, meeting: Meeting) -> MeetingSummary | None:
    """The meeting's current summary, the one asked for last (the highest version of those
    asked for at the same moment), or None when none was requested."""
    return _summaries(meeting).order_by("-requested_at", "-version").first()


def summary_latest_get(*, meeting: Meeting) -> MeetingSummary:
    """The current summary; a 404 that says so when there is none yet."""
    summary = summary_latest(meeting=meeting)
    if summary is None:
        raise ApplicationError(
            NO_SUMMARY, errors={"": ["POST to this URL to request one."]}, status=404
        )
    return summary


def summary_pdf_get(*, meeting: Meeting, version: Any) -> MeetingSummary:
    """A ready summary version with its PDF; 404 when there is no such version or it is not
    ready (yet, or any more: a failed one has no file)."""
    summary = (
        MeetingSummary.objects.filter(meeting=meeting, version=_version(version))
        .defer("data")
        .first()
    )
    if summary is None:
        raise ApplicationError("No such summary version.", status=404)
    if summary.status != SummaryStatus.READY:
        raise ApplicationError(NOT_READY, errors={"status": [summary.status]}, status=404)
    return summary


def summary_letter_get(*, meeting: Meeting, version: Any, item_id: Any) -> MeetingSummaryLetter:
    """The outcome letter of one agenda item in a ready summary version; else 404."""
    summary = summary_pdf_get(meeting=meeting, version=version)
    # By the item's id as rendered: the letter stays downloadable after the item is removed.
    letter = (
        MeetingSummaryLetter.objects.filter(summary=summary, item_ref=uuid_or_none(item_id))
        .select_related("summary")
        .first()
    )
    if letter is None:
        raise ApplicationError("No letter for this agenda item in this summary.", status=404)
    return letter


def summary_status(summary: MeetingSummary) -> dict[str, Any]:
    """What a client polls: the job's state and, once ready, where to download the summary and
    each case's outcome letter (authenticated URLs: session or token)."""
    ready = summary.status == SummaryStatus.READY
    meeting_id, version = summary.meeting_id, summary.version
    letters: list[dict[str, Any]] = []
    if ready:
        # What the letters were rendered with (the agenda may have changed since).
        rows = (
            MeetingSummaryLetter.objects.filter(summary=summary)
            .order_by("position", "item_ref")
            .values_list("item_ref", "position", "patient", "checksum")
        )
        letters = [
            {
                "item": str(item_ref),
                "position": position,
                "patient": patient,
                "checksum": checksum,
                "download_url": reverse(
                    "api:meeting-summary-letter-pdf", args=[meeting_id, version, item_ref]
                ),
            }
            for item_ref, position, patient, checksum in rows
        ]
    return {
        "id": str(summary.pk),
        "status": summary.status,
        "stuck": summary_stuck(summary),
        "error": summary.error,
        "version": version,
        "draft": summary.draft,
        "checksum": summary.checksum or None,
        "size": summary.size,
        "attempts": summary.attempts,
        "created_at": summary.created_at,
        "requested_at": summary.requested_at,
        "started_at": summary.started_at,
        "finished_at": summary.finished_at,
        "download_url": reverse("api:meeting-summary-pdf", args=[meeting_id, version])
        if ready
        else None,
        "letters": letters,
    }


def _version(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
