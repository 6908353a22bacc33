"""Reads of a meeting's printable summaries. The meeting comes from `meeting_get(user=...)`,
which scopes it to the user's hospital; its summaries are then the user's to read (every role
of the hospital reads the agenda, and so the summary). The PDF bytes are deferred except where
a file is downloaded."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from apps.core.exceptions import ApplicationError

from ..choices import SummaryStatus
from ..models import Meeting, MeetingSummary, MeetingSummaryLetter
from . import _uuid

NO_SUMMARY = "No summary has been requested for this meeting yet."
NOT_READY = "This summary is not ready: see its status."


def _summaries(meeting: Meeting) -> QuerySet[MeetingSummary]:
    return MeetingSummary.objects.filter(meeting=meeting).defer("pdf", "data")


def summary_latest(*, meeting: Meeting) -> MeetingSummary | None:
    """The meeting's newest summary version, or None when none was requested."""
    return _summaries(meeting).order_by("-version").first()


def summary_latest_get(*, meeting: Meeting) -> MeetingSummary:
    """The newest summary; a 404 that says so when there is none yet."""
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
    letter = (
        MeetingSummaryLetter.objects.filter(summary=summary, agenda_item_id=_uuid(item_id))
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
        rows = (
            MeetingSummaryLetter.objects.filter(summary=summary)
            .order_by("agenda_item__position")
            .values_list(
                "agenda_item_id",
                "agenda_item__position",
                "agenda_item__case__patient__given_name",
                "agenda_item__case__patient__family_name",
                "checksum",
            )
        )
        letters = [
            {
                "item": str(item_id),
                "position": position,
                "patient": f"{given_name} {family_name}",
                "checksum": checksum,
                "download_url": reverse(
                    "api:meeting-summary-letter-pdf", args=[meeting_id, version, item_id]
                ),
            }
            for item_id, position, given_name, family_name, checksum in rows
        ]
    return {
        "id": str(summary.pk),
        "status": summary.status,
        "error": summary.error,
        "version": version,
        "draft": summary.draft,
        "checksum": summary.checksum or None,
        "size": summary.size,
        "attempts": summary.attempts,
        "created_at": summary.created_at,
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
