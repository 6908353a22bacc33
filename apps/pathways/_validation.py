"""Declarative field table and the machinery that reads, writes and describes it.

The case facts (SPEC section 1) are validated, serialised and described as a JSON schema from one
table of `Field`s, so each rule is written once. This module knows nothing about the clinical
content: `facts.py` holds the table itself. Plain Python, standard library only.

Every reader appends its problems to a shared `errors` dict (path -> [message]) instead of
raising, because the API must list every error of a case at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


# Marks a value that failed its own checks, so consistency rules know to leave it alone.
INVALID: Any = _Invalid()

REQUIRED_MESSAGE = "This field is required."
UNKNOWN_FIELD_MESSAGE = "Unknown field."
OBJECT_MESSAGE = "Must be an object."

Errors = dict[str, list[str]]


def add_error(errors: Errors, path: str, message: str) -> None:
    """Record `message` under `path` unless that path already has one (first message wins)."""
    if path not in errors:
        errors[path] = [message]


def join(prefix: str, name: object) -> str:
    return f"{prefix}.{name}" if prefix else str(name)


def _range_text(low: float | None, high: float | None, exclusive_low: bool) -> str:
    if exclusive_low and high is not None:
        return f"greater than {low:g} and at most {high:g}"
    if exclusive_low:
        return f"greater than {low:g}"
    if high is None:
        return f"of at least {low:g}"
    return f"from {low:g} to {high:g}"


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    """A JSON object: its fields in SPEC order and the dataclass built from them."""

    fields: Mapping[str, Field]
    build: Callable[..., Any]
    description: str


@dataclass(frozen=True, slots=True)
class Field:
    """One input field. Build it with the helpers below (`integer`, `number`, ...)."""

    name: str
    kind: str
    description: str
    message: str
    required: bool = False
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[str, ...] = ()
    spec: ObjectSpec | None = None
    min_items: int = 0
    max_items: int | None = None
    unique_by: str | None = None
    duplicate_message: str = "Listed twice: give each value once."


def integer(name: str, low: int, high: int, description: str, **options: Any) -> Field:
    return Field(
        name, "integer", description, f"Must be a whole number from {low} to {high}.",
        minimum=low, maximum=high, **options,
    )  # fmt: skip


def number(
    name: str,
    description: str,
    *,
    low: float,
    high: float | None = None,
    exclusive_low: bool = False,
    **options: Any,
) -> Field:
    message = f"Must be a number {_range_text(low, high, exclusive_low)}."
    return Field(
        name, "number", description, message,
        minimum=low, maximum=high, exclusive_minimum=exclusive_low, **options,
    )  # fmt: skip


def boolean(name: str, description: str, **options: Any) -> Field:
    # Where null is a real answer (unknown), the message says so.
    null_is_an_answer = not options.get("required") and options.get("default") is None
    message = "Must be true, false or null." if null_is_an_answer else "Must be true or false."
    return Field(name, "boolean", description, message, **options)


def choice(name: str, choices: tuple[str, ...], description: str, **options: Any) -> Field:
    message = f"Must be one of: {', '.join(choices)}."
    return Field(name, "choice", description, message, choices=choices, **options)


def choice_set(name: str, choices: tuple[str, ...], description: str, **options: Any) -> Field:
    """A list of distinct allowed values, kept in the order of `choices` (it is a set)."""
    message = f"Must be a list of distinct values from: {', '.join(choices)}."
    return Field(name, "choice_set", description, message, choices=choices, default=(), **options)


def section(name: str, spec: ObjectSpec) -> Field:
    # A missing or null section reads as {} so that its required fields are reported.
    return Field(name, "object", spec.description, OBJECT_MESSAGE, spec=spec)


def object_list(
    name: str, spec: ObjectSpec, description: str, message: str, **options: Any
) -> Field:
    return Field(name, "object_list", description, message, spec=spec, **options)


# --- reading -------------------------------------------------------------------------------------


def read_object(spec: ObjectSpec, data: dict[Any, Any], prefix: str, errors: Errors) -> Any:
    """Read one object: the built dataclass when it is clean, else a dict holding INVALID marks."""
    fields = spec.fields
    clean = True
    for key in data:
        if key not in fields:
            add_error(errors, join(prefix, key), UNKNOWN_FIELD_MESSAGE)
            clean = False
    values: dict[str, Any] = {}
    for name, fld in fields.items():
        raw = data.get(name)
        if raw is None and fld.kind != "object":
            if fld.required:
                add_error(errors, join(prefix, name), REQUIRED_MESSAGE)
                values[name] = INVALID
            else:
                values[name] = fld.default
        else:
            values[name] = _READERS[fld.kind](fld, raw, join(prefix, name), errors)
    # Judged by the values, not by the error count: a path already taken records nothing new.
    if clean and INVALID not in values.values():
        return spec.build(**values)
    return values


def _read_section(fld: Field, raw: Any, path: str, errors: Errors) -> Any:
    if raw is None:
        raw = {}
    elif not isinstance(raw, dict):
        add_error(errors, path, OBJECT_MESSAGE)
        return INVALID
    assert fld.spec is not None
    return read_object(fld.spec, raw, path, errors)


def _read_integer(fld: Field, raw: Any, path: str, errors: Errors) -> Any:
    # bool is a subclass of int, and JSON's true is not a number; is_integer() is False for NaN
    # and the infinities.
    whole = (isinstance(raw, int) and not isinstance(raw, bool)) or (
        isinstance(raw, float) and raw.is_integer()
    )
    value = int(raw) if whole else None
    if value is None or not fld.minimum <= value <= fld.maximum:  # type: ignore[operator]
        add_error(errors, path, fld.message)
        return INVALID
    return value


def _read_number(fld: Field, raw: Any, path: str, errors: Errors) -> Any:
    value: float | None = None
    if isinstance(raw, float):
        value = raw if math.isfinite(raw) else None
    elif isinstance(raw, int) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:  # an integer literal beyond any float
            value = None
    low, high = fld.minimum, fld.maximum
    if (
        value is None
        or (value <= low if fld.exclusive_minimum else value < low)  # type: ignore[operator]
        or (high is not None and value > high)
    ):
        add_error(errors, path, fld.message)
        return INVALID
    return value


def _read_boolean(fld: Field, raw: Any, path: str, errors: Errors) -> Any:
    if raw is True or raw is False:
        return raw
    add_error(errors, path, fld.message)
    return INVALID


def _read_choice(fld: Field, raw: Any, path: str, errors: Errors) -> Any:
    if isinstance(raw, str) and raw in fld.choices:
        return raw
    add_error(errors, path, fld.message)
    return INVALID


def _read_choice_set(fld: Field, raw: Any, path: str, errors: Errors) -> Any:
    if not isinstance(raw, list):
        add_error(errors, path, fld.message)
        return INVALID
    seen: set[str] = set()
    valid = True
    for index, item in enumerate(raw):
        if not (isinstance(item, str) and item in fld.choices):
            add_error(errors, f"{path}[{index}]", f"Must be one of: {', '.join(fld.choices)}.")
            valid = False
        elif item in seen:
            add_error(errors, f"{path}[{index}]", fld.duplicate_message)
            valid = False
        else:
            seen.add(item)
    if not valid:
        return INVALID
    return tuple(value for value in fld.choices if value in seen)


def _read_object_list(fld: Field, raw: Any, path: str, errors: Errors) -> Any:
    if not isinstance(raw, list):
        add_error(errors, path, fld.message)
        return INVALID
    valid = True
    if len(raw) < fld.min_items or (fld.max_items is not None and len(raw) > fld.max_items):
        add_error(errors, path, fld.message)
        valid = False
    assert fld.spec is not None
    items = []
    seen: set[Any] = set()
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            add_error(errors, item_path, OBJECT_MESSAGE)
            valid = False
            continue
        value = read_object(fld.spec, item, item_path, errors)
        if isinstance(value, dict):
            valid = False
        items.append(value)
        if fld.unique_by is not None:
            key = value[fld.unique_by] if isinstance(value, dict) else getattr(value, fld.unique_by)
            if key is INVALID:
                continue
            if key in seen:
                add_error(errors, join(item_path, fld.unique_by), fld.duplicate_message)
                valid = False
            seen.add(key)
    return tuple(items) if valid else INVALID


_READERS: dict[str, Callable[[Field, Any, str, Errors], Any]] = {
    "object": _read_section,
    "integer": _read_integer,
    "number": _read_number,
    "boolean": _read_boolean,
    "choice": _read_choice,
    "choice_set": _read_choice_set,
    "object_list": _read_object_list,
}


# --- consistency rules ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsistencyRule:
    """A rule between fields: broken(*values) is checked once every named field is valid.

    The error goes under the first path of `fields`, as the SPEC reports it under the field it
    names first.
    """

    fields: tuple[str, ...]
    broken: Callable[..., bool]
    message: str


def _lookup(root: Any, dotted: str) -> Any:
    value = root
    for name in dotted.split("."):
        if value is INVALID:
            return INVALID
        value = value[name] if isinstance(value, dict) else getattr(value, name)
    return value


def check_rules(rules: tuple[ConsistencyRule, ...], root: Any, errors: Errors) -> None:
    for rule in rules:
        values = [_lookup(root, dotted) for dotted in rule.fields]
        if INVALID not in values and rule.broken(*values):
            add_error(errors, rule.fields[0], rule.message)


# --- writing -------------------------------------------------------------------------------------


def _plain_number(value: float) -> float | int:
    # Whole floats go out as integers so that a case round-trips textually unchanged (18, not 18.0).
    return int(value) if value.is_integer() else value


def dump_object(spec: ObjectSpec, obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, fld in spec.fields.items():
        value = getattr(obj, name)
        if fld.kind == "object":
            out[name] = dump_object(fld.spec, value)  # type: ignore[arg-type]
        elif fld.kind == "object_list":
            out[name] = [dump_object(fld.spec, item) for item in value]  # type: ignore[arg-type]
        elif fld.kind == "choice_set":
            out[name] = list(value)
        elif fld.kind == "number" and value is not None:
            out[name] = _plain_number(value)
        else:
            out[name] = value
    return out


# --- describing ----------------------------------------------------------------------------------


def object_schema(spec: ObjectSpec, notes: Mapping[str, str], prefix: str = "") -> dict[str, Any]:
    """An OpenAPI 3.0 schema (nullable, boolean exclusiveMinimum) of `spec`.

    `notes` maps a dotted path to an extra sentence for its description (consistency rules).
    """
    properties = {
        name: _field_schema(fld, notes, join(prefix, name)) for name, fld in spec.fields.items()
    }
    schema: dict[str, Any] = {
        "type": "object",
        "description": spec.description,
        "properties": properties,
        "additionalProperties": False,
    }
    required = [name for name, fld in spec.fields.items() if _is_required(fld)]
    if required:
        schema["required"] = required
    return schema


def _is_required(fld: Field) -> bool:
    if fld.kind == "object":
        return any(_is_required(inner) for inner in fld.spec.fields.values())  # type: ignore[union-attr]
    return fld.required


def _field_schema(fld: Field, notes: Mapping[str, str], path: str) -> dict[str, Any]:
    schema: dict[str, Any]
    if fld.kind == "object":
        schema = object_schema(fld.spec, notes, path)  # type: ignore[arg-type]
        schema["description"] += " Null or absent reads as {}."
    elif fld.kind == "object_list":
        item_schema = object_schema(fld.spec, notes, f"{path}[]")  # type: ignore[arg-type]
        schema = {"type": "array", "items": item_schema, "minItems": fld.min_items}
        if fld.max_items is not None:
            schema["maxItems"] = fld.max_items
    elif fld.kind == "choice_set":
        items = {"type": "string", "enum": list(fld.choices)}
        schema = {"type": "array", "items": items, "uniqueItems": True}
    elif fld.kind == "choice":
        schema = {"type": "string", "enum": list(fld.choices)}
    else:
        schema = {"type": fld.kind}
        if fld.minimum is not None:
            schema["minimum"] = fld.minimum
        if fld.exclusive_minimum:
            schema["exclusiveMinimum"] = True
        if fld.maximum is not None:
            schema["maximum"] = fld.maximum
    if "description" not in schema:
        schema["description"] = fld.description
    if path in notes:
        schema["description"] += " " + notes[path]
    if not _is_required(fld):
        schema["nullable"] = True
        if fld.default is not None and fld.kind != "object":
            schema["default"] = list(fld.default) if fld.kind == "choice_set" else fld.default
    return schema
