"""The audit trail as people read it: who changed what, when, with each field's value before and
after. Built from django-simple-history's records, compared pairwise per object."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

# A recommendation snapshot's facts and result are whole documents, readable on the snapshot
# itself; the trail shows its version, primary code and resectability.
HIDDEN_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "case",
    "history_change_reason",
    "facts",
    "result",
}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _values(row: Any, fields: list[str]) -> dict[str, Any]:
    return {field: _plain(getattr(row, field)) for field in fields}


def audit_entries(sources: Iterable[tuple[str, QuerySet]]) -> list[dict[str, Any]]:
    """Entries of every (record name, history queryset) source, newest first."""
    entries: list[dict[str, Any]] = []
    for record_name, history in sources:
        model = history.model
        fields = [
            field.attname
            for field in model.instance_type._meta.concrete_fields
            if field.name not in HIDDEN_FIELDS
        ]
        previous: dict[Any, dict[str, Any]] = {}
        for row in history.select_related("history_user").order_by("history_date", "history_id"):
            current = _values(row, fields)
            before = previous.get(row.id)
            if row.history_type == "+":
                changes = [{"field": f, "before": None, "after": v} for f, v in current.items()]
            elif row.history_type == "-":
                changes = [{"field": f, "before": v, "after": None} for f, v in current.items()]
            else:
                base = before or {}
                changes = [
                    {"field": f, "before": base.get(f), "after": v}
                    for f, v in current.items()
                    if base.get(f) != v
                ]
            previous[row.id] = current
            user = row.history_user
            entries.append(
                {
                    "at": row.history_date,
                    "user": user.get_username() if user is not None else None,
                    "action": ACTIONS[row.history_type],
                    "record": record_name,
                    "record_id": str(row.id),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries
