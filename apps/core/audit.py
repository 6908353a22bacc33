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


# --- the audit trail as a page shows it ---------------------------------------------------------

# Fields a person does not need in the trail: keys, bookkeeping, and the author (the "Who").
TRAIL_HIDDEN = {
    *HIDDEN_FIELDS,
    "revision",
    "created_by",
    "recorded_by",
    "facts_updated_at",
    "position",
    "patient",
    "hospital",
}
# Writes of one person this close together are one save (a form writes several records).
SAVE_WINDOW_SECONDS = 2
# Records whose `position` counts from zero: named "Lesion 1" for position 0.
NUMBERED_RECORDS = {"liver_lesion": "Lesion"}


def _record_label(record_name: str, row: Any) -> str:
    numbered = NUMBERED_RECORDS.get(record_name)
    if numbered is not None and getattr(row, "position", None) is not None:
        return f"{numbered} {row.position + 1}"
    return record_name.replace("_", " ").capitalize()


def _item_shown(item: Any) -> str:
    """An entry of a list field: a code in words, or a coded entry (`{"code", "detail"}`, such
    as a checklist item) as its words and detail."""
    from .words import words

    if isinstance(item, str):
        return words(item)
    if isinstance(item, dict) and "code" in item:
        detail = item.get("detail")
        return f"{words(item['code'])}: {detail}" if detail else words(item["code"])
    return str(item)


def _shown(field: Any, value: Any, people: dict[Any, str]) -> str:
    from django.utils import timezone

    from .words import known, words

    if value is None or value == "" or value == []:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.is_relation:
        return people.get(value, "another record")
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return f"{local.day} {local:%b %Y, %H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, list):
        return "; ".join(_item_shown(item) for item in value)
    choices = dict(field.flatchoices) if field.choices else {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, str) and known(value):
        return words(value)
    return str(_plain(value))


def readable_trail(sources: Iterable[tuple[str, QuerySet]]) -> list[dict[str, Any]]:
    """The trail for people: one entry per save (a person's writes within a couple of seconds,
    a form saving several records), newest first, each with who (by name), when (local time, to
    the minute) and what changed in words: field names as labels, coded values as words, people
    by name, a record created and changed in the same save shown once with its final values."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    rows: list[tuple[Any, str, Any, dict[str, Any]]] = []  # (row, record, model, fields)
    user_ids: set[Any] = set()
    for record_name, history in sources:
        model = history.model.instance_type
        fields = {
            field.attname: field
            for field in model._meta.concrete_fields
            if field.name not in TRAIL_HIDDEN
            and (not field.is_relation or field.related_model is get_user_model())
        }
        for row in history.select_related("history_user").order_by("history_date", "history_id"):
            rows.append((row, record_name, model, fields))
            user_ids.update(getattr(row, attname) for attname, f in fields.items() if f.is_relation)
    people = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=[u for u in user_ids if u])
    }
    rows.sort(key=lambda entry: (entry[0].history_date, entry[0].history_id))

    previous: dict[tuple[str, Any], dict[str, Any]] = {}
    saves: list[dict[str, Any]] = []
    for row, record_name, _model, fields in rows:
        values = {attname: getattr(row, attname) for attname in fields}
        key = (record_name, row.id)
        before = previous.get(key, {})
        previous[key] = values
        save = saves[-1] if saves else None
        if (
            save is None
            or save["user_id"] != row.history_user_id
            or (row.history_date - save["started"]).total_seconds() > SAVE_WINDOW_SECONDS
        ):
            save = {
                "user_id": row.history_user_id,
                "who": (row.history_user.get_full_name() or row.history_user.get_username())
                if row.history_user
                else "System",
                "started": row.history_date,
                "at": row.history_date,
                "records": {},
            }
            saves.append(save)
        save["at"] = row.history_date
        record = save["records"].setdefault(
            key,
            {
                "label": _record_label(record_name, row),
                "action": ACTIONS[row.history_type],
                "fields": fields,
                "changes": {},
            },
        )
        if row.history_type == "-":
            record["action"] = "deleted" if record["action"] != "created" else "created and deleted"
            continue
        for attname, value in values.items():
            was = before.get(attname) if row.history_type == "~" else None
            if row.history_type == "~" and was == value:
                continue
            if row.history_type == "+" and (value is None or value is False or value in ("", [])):
                continue
            change = record["changes"].setdefault(attname, {"before": was})
            change["after"] = value
        record["label"] = _record_label(record_name, row)

    trail = []
    for save in reversed(saves):
        records = []
        for record in save["records"].values():
            fields = record["fields"]
            changes = [
                {
                    "field": capfirst(str(fields[attname].verbose_name)),
                    "before": None
                    if record["action"] == "created"
                    else _shown(fields[attname], change["before"], people),
                    "after": _shown(fields[attname], change["after"], people),
                }
                for attname, change in record["changes"].items()
                if change["before"] != change["after"] or record["action"] == "created"
            ]
            if record["action"] == "changed" and not changes:
                continue
            records.append(
                {"label": record["label"], "action": record["action"], "changes": changes}
            )
        if records:
            trail.append(
                {"at": timezone.localtime(save["at"]), "who": save["who"], "records": records}
            )
    return trail


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]
