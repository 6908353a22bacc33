"""The referral CSV: its columns, how each cell is read, and the compact lesion and extrahepatic
formats.

One row is one referral. A cell is read strictly: a value that does not parse is an error named
by its column, never a silent default (a blank optional cell is the pathway's default, as an
absent field is in the JSON input). The pathway's own checks (ranges, allowed values,
consistency) stay in `apps.pathways.facts`; `rows.py` maps their field paths back to these
columns. Plain Python, so the parsers are tested without a database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from apps.pathways.facts import (
    EXTRAHEPATIC_SITES,
    LESION_SIZE_MAX_MM,
    LESIONS_MAX,
    SEGMENT_MAX,
    SEGMENT_MIN,
    SYMPTOMS,
)


class CellError(ValueError):
    """A cell that cannot be read; the message says what is wrong and what is expected."""


# --- cell readers ---------------------------------------------------------------------------------

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


def read_text(raw: str) -> str:
    return raw


def read_bool(raw: str) -> bool:
    word = raw.casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(f"'{raw}' is not yes or no.")


def read_int(raw: str) -> int:
    if not _INTEGER.match(raw):
        raise CellError(f"'{raw}' is not a whole number.")
    return int(raw)


def read_number(raw: str) -> int | float:
    # A comma as decimal separator would be a thousands separator elsewhere: refused, not guessed.
    if not _NUMBER.match(raw):
        raise CellError(f"'{raw}' is not a number (use a point for decimals, e.g. 12.5).")
    value = float(raw)
    return int(value) if value.is_integer() and "." not in raw else value


def read_date(raw: str) -> date:
    if re.match(r"^\d{4}-\d{2}-\d{2}$", raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise CellError(f"'{raw}' is not a date (YYYY-MM-DD, e.g. 1961-04-23).")


def read_list(raw: str) -> list[str]:
    """`bleeding;obstruction`: values separated by semicolons (allowed values: the pathway's)."""
    items = [item.strip() for item in raw.split(";")]
    if any(not item for item in items):
        raise CellError("An empty entry between semicolons.")
    return items


_LESION = re.compile(r"^[Ss](?P<segment>[0-9]+):(?P<size>[0-9]+(?:\.[0-9]+)?)(?P<flags>[a-z]*)$")
LESION_FLAGS = {
    "d": ("disappeared", "disappeared (complete radiological response)"),
    "v": ("near_major_vessel", "near a major vessel"),
    "b": ("peribiliary", "peribiliary"),
    "s": ("subcapsular_or_dome", "subcapsular or dome"),
}
LESION_EXAMPLE = "S5:42;S7:18d"


def read_lesions(raw: str) -> list[dict[str, Any]]:
    """`S5:42;S7:18dv`: one entry per lesion, `S<segment 1-8>:<size in mm>` then optional flag
    letters (d disappeared, v near a major vessel, b peribiliary, s subcapsular or dome).
    Every problem is reported at once, each naming the lesion by its place and text."""
    entries = [entry.strip() for entry in raw.split(";")]
    if len(entries) > LESIONS_MAX:
        raise CellError(f"{len(entries)} lesions; at most {LESIONS_MAX}.")
    lesions: list[dict[str, Any]] = []
    problems: list[str] = []
    for place, entry in enumerate(entries, start=1):
        where = f"Lesion {place} ('{entry}')" if entry else f"Lesion {place}"
        if not entry:
            problems.append(f"{where} is empty: remove the extra semicolon.")
            continue
        match = _LESION.match(entry)
        if match is None:
            problems.append(f"{where} is not S<segment>:<size in mm><flags>, e.g. S5:42 or S7:18d.")
            continue
        segment, size = int(match["segment"]), float(match["size"])
        lesion: dict[str, Any] = {
            "segment": segment,
            "size_mm": int(size) if size.is_integer() else size,
        }
        if not SEGMENT_MIN <= segment <= SEGMENT_MAX:
            problems.append(f"{where}: segment {segment} is not {SEGMENT_MIN} to {SEGMENT_MAX}.")
        if not 0 < size <= LESION_SIZE_MAX_MM:
            problems.append(
                f"{where}: size must be more than 0 and at most {LESION_SIZE_MAX_MM} mm."
            )
        flags = match["flags"]
        for letter in flags:
            if letter not in LESION_FLAGS:
                problems.append(f"{where}: unknown flag '{letter}' (d, v, b or s).")
            elif flags.count(letter) > 1:
                problems.append(f"{where}: flag '{letter}' given twice.")
            else:
                lesion[LESION_FLAGS[letter][0]] = True
        lesions.append(lesion)
    if problems:
        raise CellError(" ".join(dict.fromkeys(problems)))
    return lesions


_RESECTABLE = {"resectable": True, "unresectable": False}


def read_extrahepatic(raw: str) -> list[dict[str, Any]]:
    """`lung:resectable;peritoneum:unresectable`: one entry per site."""
    sites: list[dict[str, Any]] = []
    problems: list[str] = []
    for place, entry in enumerate((entry.strip() for entry in raw.split(";")), start=1):
        site, colon, resectable = (part.strip() for part in entry.partition(":"))
        if not colon or site not in EXTRAHEPATIC_SITES or resectable not in _RESECTABLE:
            problems.append(
                f"Site {place} ('{entry}') is not <site>:resectable or <site>:unresectable, "
                f"the site one of {', '.join(EXTRAHEPATIC_SITES)}."
            )
            continue
        sites.append({"site": site, "resectable": _RESECTABLE[resectable]})
    if problems:
        raise CellError(" ".join(problems))
    return sites


# --- the columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One CSV column: where its value goes (`path`: "identity.mrn", "referral.question" or the
    pathway field "liver.flr_percent"), how a cell is read, whether the header must have it,
    and the example row's value."""

    name: str
    path: str
    reader: Any
    required: bool
    example: str
    help: str


def _c(
    name: str, path: str, reader: Any, example: str, help: str, required: bool = False
) -> Column:
    return Column(name, path, reader, required, example, help)


COLUMNS: tuple[Column, ...] = (
    _c("mrn", "identity.mrn", read_text, "FIC-000123", "text, as in the hospital record", True),
    _c("given_name", "identity.given_name", read_text, "Alex", "text", True),
    _c("family_name", "identity.family_name", read_text, "Example", "text", True),
    _c("birth_date", "identity.birth_date", read_date, "1961-04-23", "YYYY-MM-DD", True),
    _c("sex", "identity.sex", read_text, "female", "female, male, other or unknown", True),
    _c("question", "referral.question", read_text, "Resectable after chemotherapy?", "", True),
    _c("referring_clinician", "referral.referring_clinician", read_text, "Dr Fictional", ""),
    _c("general_practitioner", "referral.general_practitioner", read_text, "", ""),
    _c("referred_on", "referral.referred_on", read_date, "2026-11-02", "blank: today"),
    _c("ecog", "patient.ecog", read_int, "1", "0 to 4", True),
    _c("surgical_fitness", "patient.surgical_fitness", read_text, "", "fit or unfit"),
    _c("declines_surgery", "patient.declines_surgery", read_bool, "no", "yes or no"),
    _c(
        "primary_site",
        "primary.site",
        read_text,
        "left_colon",
        "right_colon, left_colon or rectum",
        True,
    ),
    _c("primary_in_situ", "primary.in_situ", read_bool, "yes", "yes: not resected", True),
    _c("primary_symptoms", "primary.symptoms", read_list, "", "obstruction;bleeding;perforation"),
    _c("node_positive", "primary.node_positive", read_bool, "yes", "yes, no or blank"),
    _c(
        "timing",
        "presentation.timing",
        read_text,
        "synchronous",
        "synchronous or metachronous",
        True,
    ),
    _c(
        "disease_free_interval_months",
        "presentation.disease_free_interval_months",
        read_number,
        "",
        "months, metachronous only",
    ),
    _c("prior_hepatectomy", "presentation.prior_hepatectomy", read_bool, "no", "yes or no"),
    _c("ras", "biomarkers.ras", read_text, "wild_type", "wild_type, mutant or unknown"),
    _c("braf_v600e", "biomarkers.braf_v600e", read_text, "absent", "absent, present or unknown"),
    _c("msi", "biomarkers.msi", read_text, "mss", "msi_high, mss or unknown"),
    _c("cea_ng_ml", "biomarkers.cea_ng_ml", read_number, "12", "ng/mL"),
    _c("lesions", "liver.lesions", read_lesions, "S5:42;S7:18v", "S<segment>:<mm><flags>", True),
    _c("hepatic_veins_involved", "liver.hepatic_veins_involved", read_int, "0", "0 to 3"),
    _c(
        "both_portal_pedicles_involved",
        "liver.both_portal_pedicles_involved",
        read_bool,
        "no",
        "yes or no",
    ),
    _c("flr_percent", "liver.flr_percent", read_number, "45", "0 to 100"),
    _c(
        "parenchyma",
        "liver.parenchyma",
        read_text,
        "normal",
        "normal, chemotherapy_injury or cirrhosis",
    ),
    _c("r0_feasible", "liver.r0_feasible", read_bool, "yes", "yes, no or blank"),
    _c("planned_resection", "liver.planned_resection", read_text, "", "minor, major or blank"),
    _c(
        "extrahepatic_sites",
        "extrahepatic.sites",
        read_extrahepatic,
        "",
        "lung:resectable;peritoneum:unresectable",
    ),
    _c("prior_systemic_lines", "treatment.prior_systemic_lines", read_int, "0", "0 to 10"),
    _c("preoperative_cycles", "treatment.preoperative_cycles", read_int, "0", "0 to 50"),
    _c(
        "latest_response",
        "treatment.latest_response",
        read_text,
        "",
        "complete, partial, stable, progressive or blank",
    ),
    _c("chemo_refractory", "treatment.chemo_refractory", read_bool, "no", "yes or no"),
    _c("bevacizumab_in_course", "treatment.bevacizumab_in_course", read_bool, "no", "yes or no"),
    _c("adjuvant_oxaliplatin", "treatment.adjuvant_oxaliplatin", read_bool, "no", "yes or no"),
    _c("prior_immunotherapy", "treatment.prior_immunotherapy", read_bool, "no", "yes or no"),
    _c("mri_hepatospecific_done", "workup.mri_hepatospecific_done", read_bool, "yes", "yes or no"),
    _c("pet_ct_done", "workup.pet_ct_done", read_bool, "no", "yes or no"),
    _c(
        "colonoscopy_within_6_months",
        "workup.colonoscopy_within_6_months",
        read_bool,
        "yes",
        "yes or no",
    ),
)
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
# The pathway field path of each column, and back ("liver.flr_percent" -> "flr_percent").
COLUMN_OF_PATH = {column.path: column.name for column in COLUMNS}
COLUMN_OF_PATH["patient.age"] = "birth_date"  # the age is the birth date's on the referral date
SYMPTOM_VALUES = SYMPTOMS  # re-exported for the README and help texts

# --- export safety --------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A cell as a spreadsheet will not run it: text starting like a formula gets a leading
    apostrophe (OWASP's advice for CSV injection). Plain numbers (-3, +1.5) are left alone."""
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def template_csv() -> str:
    """The header and one fictional example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    writer.writerow([csv_safe(column.example) for column in COLUMNS])
    return out.getvalue()
