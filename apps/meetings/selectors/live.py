"""What the open pages of a meeting poll to stay current (apps/meetings/views/live.py): a small
state of the meeting whose parts change when something a page shows changes.

Each part is a token: the meeting's own row (status, start, sign-off, the case on screen), its
attendance, its agenda, the decisions across it, and per agenda case its row (votes revealed,
follow-up, letter paragraph, discussion times), its votes, its decision versions, its actions
and the decision being typed. A page refreshes the panels that show a part whose token moved.
Counts are in the tokens, so a removal moves them too. Two queries, whatever the agenda's size.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import AgendaItem, Attendance, Decision, DecisionAction, Meeting, ResectabilityVote
from .typing import decision_typing_tokens


def _per_item(model: Any) -> tuple[Subquery, Subquery]:
    rows = model.objects.filter(agenda_item=OuterRef("pk")).order_by().values("agenda_item")
    return (
        Subquery(rows.annotate(n=Count("pk")).values("n")[:1]),
        Subquery(rows.annotate(last=Max("updated_at")).values("last")[:1]),
    )


def _token(*values: Any) -> str:
    return ".".join("" if value is None else str(value) for value in values)


def meeting_live_state(*, meeting: Meeting) -> dict[str, Any]:
    """The meeting's live state: `parts` (name -> token) and the case on screen (`current`,
    its agenda item id and since when, or None)."""
    attendance = Attendance.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
    row = (
        Meeting.objects.filter(pk=meeting.pk)
        .annotate(
            attendance_count=Coalesce(
                Subquery(attendance.annotate(n=Count("pk")).values("n")[:1]), 0
            ),
            attendance_last=Subquery(
                attendance.annotate(last=Max("updated_at")).values("last")[:1]
            ),
        )
        .values(
            "status",
            "updated_at",
            "current_item_id",
            "current_item_since",
            "attendance_count",
            "attendance_last",
        )
        .get()
    )
    votes_count, votes_last = _per_item(ResectabilityVote)
    decisions_count, decisions_last = _per_item(Decision)
    actions_count, actions_last = _per_item(DecisionAction)
    items = list(
        AgendaItem.objects.filter(meeting_id=meeting.pk)
        .annotate(
            votes_count=votes_count,
            votes_last=votes_last,
            decisions_count=decisions_count,
            decisions_last=decisions_last,
            actions_count=actions_count,
            actions_last=actions_last,
        )
        .order_by("position")
        .values(
            "id",
            "position",
            "updated_at",
            "votes_count",
            "votes_last",
            "decisions_count",
            "decisions_last",
            "actions_count",
            "actions_last",
        )
    )
    typing = decision_typing_tokens([item["id"] for item in items])
    parts: dict[str, str] = {
        "meeting": _token(row["status"], row["updated_at"]),
        "attendance": _token(row["attendance_count"], row["attendance_last"]),
        "agenda": _token(len(items), *((item["position"], item["updated_at"]) for item in items)),
        "decisions": _token(*((item["decisions_count"], item["decisions_last"]) for item in items)),
    }
    for item in items:
        key = str(item["id"])
        parts[f"item:{key}"] = _token(item["updated_at"])
        parts[f"votes:{key}"] = _token(item["votes_count"], item["votes_last"])
        parts[f"decision:{key}"] = _token(item["decisions_count"], item["decisions_last"])
        parts[f"actions:{key}"] = _token(item["actions_count"], item["actions_last"])
        parts[f"typing:{key}"] = typing.get(key, "")
    current, since = row["current_item_id"], row["current_item_since"]
    return {
        # Short digests keep the answer small; they are change tokens, not a security measure.
        "parts": {
            name: hashlib.sha256(value.encode()).hexdigest()[:12] for name, value in parts.items()
        },
        "current": str(current) if current else None,
        "current_since": since.isoformat() if since else None,
    }


def live_etag(state: dict[str, Any]) -> str:
    """The entity tag of a state: the same state, the same tag (a 304 to a page that has it)."""
    canonical = json.dumps(state, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'
