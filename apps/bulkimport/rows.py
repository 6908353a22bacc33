"""From the uploaded bytes to referrals: the file checked as a whole (size, encoding, header,
row count), then each row read into an identity, the referral's details and the pathway facts,
with every problem keyed by the CSV column that holds it.

The facts are validated by the pathway itself (`parse_facts`); its field paths
(`liver.lesions[1].segment`) are mapped back to columns (`lesions`, "Lesion 2: ...") so that
the coordinator is told which cell to fix, in the words of the file they wrote.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.pathways.facts import CaseFacts, FactsValidationError, parse_facts
from apps.patients.models import age_on

from .columns import COLUMN_OF_PATH, COLUMNS, COLUMNS_BY_NAME, CellError

ROW_LEVEL = ""  # errors of the whole row (its shape), not of one column
SECTIONS = (
    *("patient", "primary", "presentation", "biomarkers"),
    *("liver", "extrahepatic", "treatment", "workup"),
)


def _file_error(message: str, detail: str | None = None) -> ApplicationError:
    return ApplicationError(message, errors={"file": [detail or message]})


def read_file(data: bytes, *, max_bytes: int, max_rows: int) -> list[dict[str, Any]]:
    """The data rows as `{"row": spreadsheet row number, "cells": {column: text}, "errors":
    {...}}` (the header is row 1). A file that cannot be read as a whole raises
    ApplicationError under `file`; a row of the wrong width carries its own error."""
    if len(data) > max_bytes:
        raise _file_error(f"The file is larger than {max_bytes / 1024 / 1024:.1f} MB.")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as Excel writes, is dropped
    except UnicodeDecodeError as error:
        raise _file_error(
            "The file is not UTF-8 text.",
            f"Byte {error.start + 1} is not UTF-8: save the file as 'CSV UTF-8'.",
        ) from None
    if "\x00" in text:
        raise _file_error("The file is not a CSV text file (it holds NUL bytes).")
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise _file_error("The file is not valid CSV.", str(error)) from None
    if not table:
        raise _file_error("The file is empty: the header row is missing.")
    header = [name.strip() for name in table[0]]
    _check_header(header)
    rows = []
    for index, values in enumerate(table[1:], start=2):
        if not any(value.strip() for value in values):
            continue  # a blank line, often at the end of a file saved by a spreadsheet
        errors: dict[str, list[str]] = {}
        if len(values) != len(header):
            errors[ROW_LEVEL] = [f"{len(values)} values; the header has {len(header)} columns."]
        cells = {name: value.strip() for name, value in zip(header, values, strict=False)}
        rows.append({"row": index, "cells": cells, "errors": errors})
    if not rows:
        raise _file_error("The file has a header but no referrals.")
    if len(rows) > max_rows:
        raise _file_error(f"The file has {len(rows)} referrals; at most {max_rows} at a time.")
    return rows


def _check_header(header: list[str]) -> None:
    problems = []
    unknown = [name for name in header if name not in COLUMNS_BY_NAME]
    if unknown:
        problems.append(
            "Unknown column(s): " + ", ".join(f"'{name}'" for name in unknown) + " (check the "
            "spelling against the template; a misspelt column must not fall back to a default)."
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append("Column(s) given twice: " + ", ".join(repeated) + ".")
    missing = [column.name for column in COLUMNS if column.required and column.name not in header]
    if missing:
        problems.append("Required column(s) missing: " + ", ".join(missing) + ".")
    if problems:
        raise ApplicationError("The header row is not the template's.", errors={"file": problems})


@dataclass
class RowReading:
    """One row read: what goes to the services, and the errors by column."""

    identity: dict[str, Any] = field(default_factory=dict)
    referral: dict[str, Any] = field(default_factory=dict)
    facts: CaseFacts | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, column: str, message: str) -> None:
        messages = self.errors.setdefault(column, [])
        if message not in messages:
            messages.append(message)


def read_row(cells: dict[str, str], *, today: date | None = None) -> RowReading:
    """Read one row. The pathway's age is the patient's on the referral date (today when the
    referral date is blank), so the file has no age column to disagree with the birth date."""
    reading = RowReading()
    document: dict[str, Any] = {section: {} for section in SECTIONS}
    for column in COLUMNS:
        raw = cells.get(column.name, "")
        if raw == "":
            if column.required:
                reading.add(column.name, "Required.")
            continue
        try:
            value = column.reader(raw)
        except CellError as error:
            reading.add(column.name, str(error))
            continue
        group, name = column.path.split(".", 1)
        if group == "identity":
            reading.identity[name] = value
        elif group == "referral":
            reading.referral[name] = value
        else:
            document[group][name] = value
    birth_date = reading.identity.get("birth_date")
    referred_on = reading.referral.get("referred_on") or today or timezone.localdate()
    if birth_date is not None:
        if referred_on < birth_date:
            reading.add("referred_on", "Cannot be before the birth date.")
        else:
            document["patient"]["age"] = age_on(birth_date, referred_on)
    try:
        reading.facts = parse_facts(document)
    except FactsValidationError as error:
        for name, messages in facts_errors_by_column(error.errors).items():
            if name not in reading.errors:  # a cell that did not parse is reported once
                for text in messages:
                    reading.add(name, text)
    return reading


_INDEXED = re.compile(r"^(?P<list>[a-z_]+\.[a-z_]+)\[(?P<index>[0-9]+)\](?:\.(?P<field>\w+))?$")
_ENTRY_NAMES = {"liver.lesions": "Lesion", "extrahepatic.sites": "Site"}


def facts_errors_by_column(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The pathway's errors keyed by CSV column: `liver.lesions[1].segment` becomes `lesions`
    with "Lesion 2, segment: ..." (entries counted from 1, as a person counts them)."""
    by_column: dict[str, list[str]] = {}
    for path, messages in errors.items():
        prefix = ""
        match = _INDEXED.match(path)
        if match:
            base = match["list"]
            entry = _ENTRY_NAMES.get(base, "Entry")
            prefix = f"{entry} {int(match['index']) + 1}"
            prefix += f", {match['field'].replace('_', ' ')}: " if match["field"] else ": "
        else:
            base = path
        if base == "patient.age":
            messages = [f"The age on the referral date: {message}" for message in messages]
        column = COLUMN_OF_PATH.get(base, ROW_LEVEL)
        by_column.setdefault(column, []).extend(prefix + message for message in messages)
    return by_column


def service_errors_by_column(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """A referral service's errors (`patient.given_name`, `referred_on`, `facts.liver...`)
    keyed by CSV column."""
    by_column: dict[str, list[str]] = {}
    for path, messages in errors.items():
        if path.startswith("facts."):
            mapped = facts_errors_by_column({path.removeprefix("facts."): messages})
        else:
            name = path.removeprefix("patient.")
            mapped = {name if name in COLUMNS_BY_NAME else ROW_LEVEL: messages}
        for column, texts in mapped.items():
            by_column.setdefault(column, []).extend(texts)
    return by_column
