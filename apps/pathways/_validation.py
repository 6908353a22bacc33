"""The machinery that reads, writes and describes the case facts, from their declarations.

`facts.py` declares the facts as msgspec structs whose annotations carry each range, allowed
value and description; `spec_of` turns a struct into a table of `Field`s, from which the facts
are validated with every error at once, serialised and described as a JSON schema, so each rule
is written once. `InputSpec` is one pathway version's input: the struct, the fields it leaves
out and its consistency rules, with the fast and the thorough reader (see `facts.py`). This
module knows nothing about the clinical content.

Every reader appends its problems to a shared `errors` dict (path -> [message]) instead of
raising, because the API must list every error of a case at once.
"""

from __future__ import annotations

import math
import operator
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
import msgspec.inspect as mi


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


@dataclass(frozen=True, slots=True)
class ItemRule:
    """A rule between a field of each item of a list and other fields, reported under each
    item that breaks it (`liver.lesions[2].disappeared`): broken(item_value, *values)."""

    items: str  # the list, dotted
    field: str  # the field of each item
    fields: tuple[str, ...]  # the other fields, dotted
    broken: Callable[..., bool]
    message: str


def _lookup(root: Any, steps: tuple[str, ...]) -> Any:
    value = root
    for name in steps:
        if value is INVALID:
            return INVALID
        value = value[name] if isinstance(value, dict) else getattr(value, name)
    return value


def check_rules(rules: tuple[ConsistencyRule, ...], root: Any, errors: Errors) -> None:
    """The rules over a partly read object (dicts holding INVALID marks where a field failed)."""
    for rule in rules:
        values = [_lookup(root, tuple(dotted.split("."))) for dotted in rule.fields]
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


# --- the table, from the declarations ------------------------------------------------------------

_LARGEST_FLOAT = sys.float_info.max


def _unwrap(info_type: Any) -> tuple[Any, str, dict[str, Any], bool]:
    """(type, description, extra, nullable) of an annotated, possibly optional, field type."""
    description, nullable = "", False
    extra: dict[str, Any] = {}
    while True:
        if isinstance(info_type, mi.Metadata):
            schema = info_type.extra_json_schema or {}
            description = description or schema.get("description", "")
            extra = {**(info_type.extra or {}), **extra}
            info_type = info_type.type
        elif isinstance(info_type, mi.UnionType):
            members = [item for item in info_type.types if not isinstance(item, mi.NoneType)]
            if len(members) != 1:
                raise TypeError(f"Unsupported union in the facts: {info_type}")
            nullable = True
            info_type = members[0]
        else:
            return info_type, description, extra, nullable


def _bound(value: float | None) -> float | None:
    # The largest float stands for "no upper bound" (it only stops the infinities).
    return None if value is None or value >= _LARGEST_FLOAT else value


def _doc(cls: type) -> str:
    return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


def _literal_order(annotation: Any) -> tuple[str, ...]:
    """The values of the Literal inside an annotation, in the order written (msgspec's type
    information keeps them sorted, and the SPEC's order is the canonical one)."""
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(typing.get_args(annotation))
    for argument in typing.get_args(annotation):
        found = _literal_order(argument)
        if found:
            return found
    return ()


def _field_of(info: mi.Field, annotation: Any, excluded: frozenset[str], path: str) -> Field:
    kind_type, description, extra, _ = _unwrap(info.type)
    name = info.name
    options: dict[str, Any] = {"required": info.required}
    if info.default is not msgspec.NODEFAULT and info.default is not None:
        options["default"] = info.default
    if isinstance(kind_type, mi.IntType):
        assert kind_type.ge is not None and kind_type.le is not None, path
        return integer(name, kind_type.ge, kind_type.le, description, **options)
    if isinstance(kind_type, mi.FloatType):
        exclusive = kind_type.gt is not None
        low = kind_type.gt if exclusive else kind_type.ge
        assert low is not None, path
        return number(
            name,
            description,
            low=low,
            high=_bound(kind_type.le),
            exclusive_low=exclusive,
            **options,
        )
    if isinstance(kind_type, mi.BoolType):
        return boolean(name, description, **options)
    if isinstance(kind_type, mi.LiteralType):
        return choice(name, _literal_order(annotation), description, **options)
    if isinstance(kind_type, mi.StructType):
        spec = spec_of(kind_type.cls, excluded=excluded, prefix=path)
        if description:
            spec = ObjectSpec(spec.fields, spec.build, description)
        return section(name, spec)
    if isinstance(kind_type, mi.VarTupleType):
        item = kind_type.item_type
        if isinstance(item, mi.LiteralType) and extra.get("set"):
            options.pop("default", None)
            return choice_set(name, _literal_order(annotation), description, **options)
        if isinstance(item, mi.StructType):
            list_options = {
                key: extra[key] for key in ("unique_by", "duplicate_message") if key in extra
            }
            return object_list(
                name,
                spec_of(item.cls, excluded=excluded, prefix=f"{path}"),
                description,
                extra.get("message", "Must be a list of objects."),
                min_items=kind_type.min_length or 0,
                max_items=kind_type.max_length,
                **list_options,
                **options,
            )
    raise TypeError(f"Unsupported type in the facts at {path}: {kind_type}")


def spec_of(
    cls: type, *, excluded: frozenset[str] = frozenset(), prefix: str = "", order: tuple = ()
) -> ObjectSpec:
    """The field table of a facts struct, leaving out the `excluded` dotted paths (list items
    share their list's path: `liver.lesions.segment`). `order` puts the fields in that order
    (the SPEC's), where the struct had to list its required fields first."""
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    annotations = typing.get_type_hints(cls, include_extras=True)
    fields: dict[str, Field] = {}
    for item in info.fields:
        path = join(prefix, item.name)
        if path in excluded:
            continue
        fields[item.name] = _field_of(item, annotations[item.name], excluded, path)
    if order:
        fields = {name: fields[name] for name in order if name in fields}
    return ObjectSpec(fields, cls, _doc(cls))


# --- one version's input -------------------------------------------------------------------------


class InputSpec:
    """The input of one pathway version: the facts struct, the fields it leaves out, and its
    consistency rules. `parse` reads a decoded JSON body, `dump` writes facts back, and
    `json_schema` describes the input."""

    def __init__(
        self,
        cls: type,
        *,
        order: tuple[str, ...],
        rules: tuple[ConsistencyRule, ...],
        error: Callable[[Errors], Exception],
        item_rules: tuple[ItemRule, ...] = (),
        excluded: tuple[str, ...] = (),
    ) -> None:
        self.cls = cls
        self.rules = rules
        self.item_rules = item_rules
        self.error = error
        self.excluded = tuple(tuple(dotted.split(".")) for dotted in excluded)
        self.spec = spec_of(cls, excluded=frozenset(excluded), order=order)
        self._item_steps = tuple(
            (tuple(rule.items.split(".")), tuple(tuple(f.split(".")) for f in rule.fields))
            for rule in item_rules
        )
        # The fast reader's facts are whole: each rule reads its fields with one getter.
        self._rule_getters = tuple((operator.attrgetter(*rule.fields), rule) for rule in rules)
        self._item_getters = tuple(
            (operator.attrgetter(rule.items), operator.attrgetter(*rule.fields), rule)
            for rule in item_rules
        )
        # What the fast reader must still check: a list of distinct values is a set kept in
        # the table's order; a list of objects may not name one key twice. Both sit one level
        # down (a section's field), which is all the facts need.
        self._sets: list[tuple[str, str, tuple[str, ...]]] = []
        self._uniques: list[tuple[str, str, str]] = []
        for section_name, section_field in self.spec.fields.items():
            if section_field.kind != "object":
                continue
            assert section_field.spec is not None
            for name, fld in section_field.spec.fields.items():
                if fld.kind == "choice_set":
                    self._sets.append((section_name, name, fld.choices))
                elif fld.kind == "object_list" and fld.unique_by:
                    self._uniques.append((section_name, name, fld.unique_by))

    # --- reading ---

    def parse(self, data: object) -> Any:
        if not isinstance(data, dict):
            raise self.error({"": ["The case facts must be a JSON object."]})
        facts = self._fast(data)
        if facts is None:
            return self._thorough(data)
        errors: Errors = {}
        for getter, rule in self._rule_getters:
            if rule.broken(*getter(facts)) and rule.fields[0] not in errors:
                errors[rule.fields[0]] = [rule.message]
        for items_getter, fields_getter, item_rule in self._item_getters:
            values = fields_getter(facts)
            values = values if len(item_rule.fields) > 1 else (values,)
            for index, item in enumerate(items_getter(facts)):
                if item_rule.broken(getattr(item, item_rule.field), *values):
                    path = f"{item_rule.items}[{index}].{item_rule.field}"
                    add_error(errors, path, item_rule.message)
        if errors:
            raise self.error(errors)
        return facts

    def _fast(self, data: dict[Any, Any]) -> Any:
        """The facts of a body that is valid field by field, or None: let the thorough reader
        say what is wrong (or read what msgspec does not, such as 3.0 for an integer)."""
        for section_name, name in self.excluded:
            section_data = data.get(section_name)
            if isinstance(section_data, dict) and name in section_data:
                return None  # an unknown key in this version
        try:
            facts: Any = msgspec.convert(data, self.cls, strict=True)
        except msgspec.ValidationError:
            return None
        for section_name, name, unique_by in self._uniques:
            items = getattr(getattr(facts, section_name), name)
            keys = [getattr(item, unique_by) for item in items]
            if len(set(keys)) != len(keys):
                return None
        for section_name, name, choices in self._sets:
            section_value = getattr(facts, section_name)
            values = getattr(section_value, name)
            if len(values) > 1:
                if len(set(values)) != len(values):
                    return None
                ordered = tuple(value for value in choices if value in values)
                if ordered != values:
                    section_value = msgspec.structs.replace(section_value, **{name: ordered})
                    facts = msgspec.structs.replace(facts, **{section_name: section_value})
        return facts

    def _thorough(self, data: dict[Any, Any]) -> Any:
        errors: Errors = {}
        facts = read_object(self.spec, data, "", errors)
        check_rules(self.rules, facts, errors)
        self._check_item_rules(facts, data, errors)
        if errors:
            raise self.error(errors)
        return facts

    def _check_item_rules(self, facts: Any, data: dict[Any, Any], errors: Errors) -> None:
        for rule, (list_steps, field_steps) in zip(self.item_rules, self._item_steps, strict=True):
            values = [_lookup(facts, steps) for steps in field_steps]
            if INVALID in values:
                continue
            for index, value in self._item_values(rule, list_steps, data):
                if rule.broken(value, *values):
                    add_error(errors, f"{rule.items}[{index}].{rule.field}", rule.message)

    def _item_values(
        self, rule: ItemRule, list_steps: tuple[str, ...], data: dict[Any, Any]
    ) -> list[tuple[int, Any]]:
        """Each item's value of the rule's field where it is valid on its own, read from the
        body itself: an item whose other fields are wrong still has this one checked."""
        raw: Any = data
        spec: ObjectSpec | None = self.spec
        for name in list_steps:
            if not isinstance(raw, dict) or spec is None:
                return []
            fld = spec.fields[name]
            raw, spec = raw.get(name), fld.spec
        if not isinstance(raw, list) or spec is None:
            return []
        item_field = spec.fields[rule.field]
        found = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or item.get(rule.field) is None:
                continue
            scratch: Errors = {}
            value = _READERS[item_field.kind](item_field, item[rule.field], "", scratch)
            if not scratch:
                found.append((index, value))
        return found

    # --- writing and describing ---

    def dump(self, facts: Any) -> dict[str, Any]:
        return dump_object(self.spec, facts)

    def json_schema(self) -> dict[str, Any]:
        notes = {rule.fields[0]: f"Rule: {rule.message}" for rule in self.rules}
        for rule in self.item_rules:
            notes[f"{rule.items}[].{rule.field}"] = f"Rule: {rule.message}"
        return object_schema(self.spec, notes)
