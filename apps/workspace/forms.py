"""The case intake form: the browser's way of writing a referral and its pathway facts.

Every input is named by its path, so an error lands beside its field whoever finds it: the facts
paths of the pathway input (`patient.ecog`, `liver.lesions[1].segment`) for the clinical facts,
`patient.mrn` and friends for the identity (as `patient_match_or_create` reports them),
`referral.*` for the case and `study.*` for the imaging study.

The form only reads the posted strings into values (a number is a number, a blank is absent) and
says what is required on the page; every clinical range and consistency rule stays with the
pathway (`parse_facts`) and the services, so it is written once. What the user typed is kept as
typed (`values`) so a page re-rendered with errors loses nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date

from apps.imaging.choices import ExtrahepaticSiteName, Modality, Parenchyma, PlannedResection
from apps.pathways.facts import (
    AGE_MAX,
    AGE_MIN,
    LESIONS_MAX,
    CaseFacts,
    FactsValidationError,
    parse_facts,
)
from apps.patients.choices import (
    BrafStatus,
    MsiStatus,
    PrimarySite,
    PrimarySymptom,
    RasStatus,
    Response,
    Sex,
    SurgicalFitness,
    Timing,
)
from apps.patients.models import age_on

YES_NO = (("true", "Yes"), ("false", "No"))
UNKNOWN_YES_NO = (("", "Unknown"), *YES_NO)
CHOOSE = ("", "Choose…")


@dataclass(frozen=True)
class FieldSpec:
    """One input. `kind` says how its string is read: text, textarea, date, int, number, choice
    (blank = absent), yesno (a required yes/no), tristate (blank = unknown, null), bool (a
    checkbox) or multi (checkboxes giving a list)."""

    name: str
    label: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    help: str = ""
    attrs: tuple[tuple[str, str], ...] = ()
    default: str = ""
    integer: bool = False  # a choice whose values are whole numbers (ECOG)
    required_if: str = ""  # required only when this holds, said beside the field


def _choices(text_choices: Any, *, blank: str | None = "Choose…") -> tuple[tuple[str, str], ...]:
    options = tuple((str(value), str(label)) for value, label in text_choices.choices)
    return (("", blank), *options) if blank is not None else options


def _number(minimum: int | None = None, maximum: int | None = None, step: str = "1") -> tuple:
    attrs = [("step", step)]
    if minimum is not None:
        attrs.append(("min", str(minimum)))
    if maximum is not None:
        attrs.append(("max", str(maximum)))
    return tuple(attrs)


IDENTITY = (
    FieldSpec("patient.mrn", "MRN (hospital number)", required=True,
              help="A known MRN matches that patient; name, birth date and sex must agree."),
    FieldSpec("patient.given_name", "Given name", required=True),
    FieldSpec("patient.family_name", "Family name", required=True),
    FieldSpec("patient.birth_date", "Birth date", "date", required=True,
              help=f"The age on the referral date must be {AGE_MIN} to {AGE_MAX}."),
    FieldSpec("patient.sex", "Sex", "choice", _choices(Sex), required=True),
)  # fmt: skip
REFERRAL = (
    FieldSpec("referral.question", "Question for the board", "textarea", required=True),
    FieldSpec(
        "referral.referring_clinician",
        "Referring clinician",
        help="The outcome letter is addressed to them.",
    ),
    FieldSpec(
        "referral.general_practitioner",
        "GP (name and practice)",
        help="Copied on the outcome letter.",
    ),
    FieldSpec("referral.referred_on", "Referred on", "date", help="Today when left blank."),
)
PRIMARY = (
    FieldSpec("primary.site", "Primary tumour site", "choice", _choices(PrimarySite),
              required=True),
    FieldSpec("primary.in_situ", "Primary still in place (not resected)", "yesno",
              (CHOOSE, *YES_NO), required=True),
    FieldSpec("primary.symptoms", "Symptoms of the primary", "multi",
              _choices(PrimarySymptom, blank=None), help="Only while the primary is in place."),
    FieldSpec("primary.node_positive", "Node-positive primary", "tristate", UNKNOWN_YES_NO),
    FieldSpec("histology.confirmed", "Histology confirmed (adenocarcinoma)", "bool"),
)  # fmt: skip
BIOMARKERS = (
    FieldSpec("biomarkers.ras", "RAS (KRAS and NRAS)", "choice", _choices(RasStatus, blank=None),
              default="unknown"),
    FieldSpec("biomarkers.braf_v600e", "BRAF V600E", "choice", _choices(BrafStatus, blank=None),
              default="unknown"),
    FieldSpec("biomarkers.msi", "MSI / MMR", "choice", _choices(MsiStatus, blank=None),
              default="unknown"),
    FieldSpec("biomarkers.cea_ng_ml", "CEA (ng/mL)", "number", attrs=_number(0, step="any")),
    FieldSpec("biomarkers.cea_measured_on", "CEA measured on", "date"),
)  # fmt: skip
PRESENTATION = (
    FieldSpec("presentation.timing", "Timing of the liver metastases", "choice", _choices(Timing),
              required=True),
    FieldSpec("presentation.disease_free_interval_months", "Disease-free interval (months)",
              "number", attrs=_number(0, step="any"), help="Metachronous only."),
    FieldSpec("presentation.prior_hepatectomy", "Recurrence after an earlier hepatectomy", "bool"),
)  # fmt: skip
PERFORMANCE = (
    FieldSpec("patient.ecog", "ECOG performance status", "choice",
              (CHOOSE, *((str(n), str(n)) for n in range(5))), required=True, integer=True),
    FieldSpec("patient.surgical_fitness", "Surgical fitness", "choice",
              (("", "Judge from ECOG"), *_choices(SurgicalFitness, blank=None)),
              help="Judged from ECOG when not given: fit when 0 to 2."),
    FieldSpec("patient.declines_surgery", "Patient declines surgery", "bool"),
    FieldSpec("performance.assessed_on", "Performance status assessed on", "date",
              help="The readiness checklist wants it recent before the meeting."),
)  # fmt: skip
STUDY = (
    FieldSpec(
        "study.modality",
        "Modality",
        "choice",
        _choices(Modality),
        help=(
            "The study the lesions below were measured on. Leave modality and date blank when"
            " there is no study to record (an edit keeps the study already recorded)."
        ),
    ),
    FieldSpec(
        "study.new",
        "A new study (keeps the earlier one and its lesions)",
        "bool",
        help=(
            "On an edit: record this as a further study of the liver; the lesions below become"
            " its reading and the facts are read from it (the most recent study of the liver)."
        ),
    ),
    FieldSpec("study.performed_on", "Performed on", "date", required_if="a modality is chosen"),
    FieldSpec("study.hepatospecific_contrast", "Hepatospecific contrast (MRI)", "bool"),
    FieldSpec("study.diffusion_weighted", "Diffusion-weighted imaging (MRI)", "bool"),
    FieldSpec("study.report_summary", "Report summary", "textarea"),
)
LESION = (
    FieldSpec("segment", "Segment", "int", required=True, attrs=_number(1, 8)),
    FieldSpec("size_mm", "Size (mm)", "number", required=True, attrs=_number(0, 300, "any")),
    FieldSpec("near_major_vessel", "Near a major vessel", "bool"),
    FieldSpec("peribiliary", "Peribiliary", "bool"),
    FieldSpec("subcapsular_or_dome", "Subcapsular or dome", "bool"),
    FieldSpec("disappeared", "Disappeared after chemotherapy", "bool"),
)
LIVER = (
    FieldSpec("liver.hepatic_veins_involved", "Hepatic veins involved (0 to 3)", "int",
              attrs=_number(0, 3), default="0"),
    FieldSpec("liver.both_portal_pedicles_involved", "Both portal pedicles involved", "bool"),
    FieldSpec("liver.flr_percent", "Future liver remnant (%)", "number",
              attrs=_number(0, 100, "any"), help="Planned remnant, % of functional liver volume."),
    FieldSpec("liver.planned_resection", "Planned resection (liver surgeon)", "choice",
              _choices(PlannedResection, blank="Not yet planned"),
              help="Asked of the liver surgeon; until planned, the pathway assumes the extent "
                   "from the imaging and says so."),
    FieldSpec("liver.parenchyma", "Liver parenchyma", "choice",
              _choices(Parenchyma, blank=None), default="normal"),
    FieldSpec("liver.r0_feasible", "R0 resection feasible (liver surgeon)", "tristate",
              UNKNOWN_YES_NO),
)  # fmt: skip
SITE = (
    FieldSpec("site", "Site", "choice", _choices(ExtrahepaticSiteName), required=True),
    FieldSpec(
        "resectable",
        "Every metastasis at this site resectable",
        "yesno",
        (CHOOSE, *YES_NO),
        required=True,
    ),
)
TREATMENT = (
    FieldSpec("treatment.prior_systemic_lines", "Prior systemic lines", "int",
              attrs=_number(0, 10), default="0"),
    FieldSpec("treatment.preoperative_cycles", "Cycles in the current course (2-weekly)", "int",
              attrs=_number(0, 50), default="0"),
    FieldSpec("treatment.latest_response", "Latest response (RECIST)", "choice",
              (("", "None yet"), *_choices(Response, blank=None))),
    FieldSpec("treatment.chemo_refractory", "Chemo-refractory (FP, oxaliplatin, irinotecan)",
              "bool"),
    FieldSpec("treatment.bevacizumab_in_course", "Bevacizumab in the current course", "bool"),
    FieldSpec("treatment.adjuvant_oxaliplatin", "Adjuvant oxaliplatin after the primary",
              "bool", help="Not a prior line. Metachronous metastases only."),
    FieldSpec("treatment.prior_immunotherapy", "Immune checkpoint inhibitor already given",
              "bool", help="Anti-PD-1, anti-PD-L1 or anti-CTLA-4, earlier or in this course."),
)  # fmt: skip
WORKUP = (
    FieldSpec("workup.mri_hepatospecific_done", "Liver MRI with hepatospecific contrast and DWI",
              "bool"),
    FieldSpec("workup.pet_ct_done", "PET-CT", "bool"),
    FieldSpec("workup.colonoscopy_within_6_months", "Colonoscopy within 6 months", "bool"),
)  # fmt: skip

# The sections of the page, in order; the lesion and extrahepatic tables follow their sections.
SECTIONS = (
    ("patient", "Patient", IDENTITY),
    ("referral", "Referral", REFERRAL),
    ("primary", "Primary tumour", PRIMARY),
    ("biomarkers", "Biomarkers", BIOMARKERS),
    ("presentation", "Presentation", PRESENTATION),
    ("performance", "Performance", PERFORMANCE),
    ("study", "Imaging study", STUDY),
    ("liver", "Liver assessment", LIVER),
    ("treatment", "Treatment history", TREATMENT),
    ("workup", "Work-up done", WORKUP),
)
FACTS_SECTIONS = (
    "patient",
    "primary",
    "biomarkers",
    "presentation",
    "liver",
    "treatment",
    "workup",
)
# Errors reported under a path with no input of its own, shown beside the input they come from.
ERROR_HOMES = {
    "patient.age": "patient.birth_date",
    "referred_on": "referral.referred_on",
    "question": "referral.question",
    "referring_clinician": "referral.referring_clinician",
    "general_practitioner": "referral.general_practitioner",
    "cea_measured_on": "biomarkers.cea_measured_on",
    "performance_assessed_on": "performance.assessed_on",
    "histology_confirmed": "histology.confirmed",
    "birth_date": "patient.birth_date",
    "mrn": "patient.mrn",
}
ROW_PATTERN = re.compile(r"^(liver\.lesions|extrahepatic\.sites)\[(\d+)\]\.(\w+)$")
DATE_MAX_YEAR_SPAN = 200


def html_id(name: str) -> str:
    """A CSS-friendly id for a path: `liver.lesions[1].segment` -> `f-liver-lesions-1-segment`."""
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def lesion_name(index: int, key: str) -> str:
    return f"liver.lesions[{index}].{key}"


def site_name(index: int, key: str) -> str:
    return f"extrahepatic.sites[{index}].{key}"


@dataclass
class BoundInput:
    """What the field template needs to draw one input with its value and errors."""

    spec: FieldSpec
    name: str
    value: Any
    errors: list[str]
    label: str
    autofocus: bool = False

    @property
    def id(self) -> str:
        return html_id(self.name)

    @property
    def error_id(self) -> str:
        return self.id + "-error"

    @property
    def help_id(self) -> str:
        return self.id + "-help"

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def checked(self) -> bool:
        return self.value in ("on", "true", True)

    @property
    def options(self) -> list[dict[str, Any]]:
        chosen = self.value if isinstance(self.value, list) else [self.value]
        return [
            {"value": value, "label": label, "selected": value in chosen, "index": i}
            for i, (value, label) in enumerate(self.spec.choices)
        ]


@dataclass
class Intake:
    """The form's cleaned content, as the intake services take it."""

    identity: dict[str, Any]
    question: str
    referring_clinician: str
    referred_on: date
    cea_measured_on: date | None
    facts: CaseFacts
    study: dict[str, Any] | None
    facts_dict: dict[str, Any] = field(default_factory=dict)
    general_practitioner: str = ""
    performance_assessed_on: date | None = None
    histology_confirmed: bool = False

    @property
    def records(self) -> dict[str, Any]:
        """The case's records entered beside the facts (`case_update`'s names)."""
        return {
            "performance_assessed_on": self.performance_assessed_on,
            "histology_confirmed": self.histology_confirmed,
        }


class IntakeForm:
    """The intake form bound to posted data (a QueryDict) or to initial values.

    `birth_date` is the registered patient's when editing a case (the identity is not part of
    the edit form); on a new referral it comes from the form itself.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        initial: dict[str, Any] | None = None,
        birth_date: date | None = None,
        editing: bool = False,
    ) -> None:
        self.editing = editing
        self.patient_birth_date = birth_date
        self.errors: dict[str, list[str]] = {}
        self.focus: str | None = None
        self.values: dict[str, Any] = {}
        if data is not None:
            self.bound = True
            for key in data:
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                self.values[key] = values if key == "primary.symptoms" else values[-1]
        else:
            self.bound = False
            self.values = _defaults()
            self.values.update(initial or {})
        self.lesion_indexes = self._row_indexes("liver.lesions") or ([0] if not self.bound else [])
        self.site_indexes = self._row_indexes("extrahepatic.sites")
        self._renumber()

    # --- rows -------------------------------------------------------------------------------

    def _row_indexes(self, table: str) -> list[int]:
        found = set()
        for key in self.values:
            match = ROW_PATTERN.match(key)
            if match and match.group(1) == table:
                found.add(int(match.group(2)))
        return sorted(found)

    def _renumber(self) -> None:
        """Rows number from 0 in page order: a removed row leaves no gap in the paths."""
        for table, indexes, specs in (
            ("liver.lesions", self.lesion_indexes, LESION),
            ("extrahepatic.sites", self.site_indexes, SITE),
        ):
            moved: dict[str, Any] = {}
            for new, old in enumerate(indexes):
                for spec in specs:
                    key = f"{table}[{old}].{spec.name}"
                    if key in self.values:
                        moved[f"{table}[{new}].{spec.name}"] = self.values.pop(key)
            self.values.update(moved)
        self.lesion_indexes = list(range(len(self.lesion_indexes)))
        self.site_indexes = list(range(len(self.site_indexes)))

    def add_lesion(self) -> None:
        if len(self.lesion_indexes) >= LESIONS_MAX:
            self.errors["liver.lesions"] = [f"A case holds at most {LESIONS_MAX} lesions."]
            return
        index = len(self.lesion_indexes)
        self.lesion_indexes.append(index)
        self.focus = lesion_name(index, "segment")

    def add_site(self) -> None:
        if len(self.site_indexes) >= len(ExtrahepaticSiteName.choices):
            self.errors["extrahepatic.sites"] = ["Every site is already listed."]
            return
        index = len(self.site_indexes)
        self.site_indexes.append(index)
        self.focus = site_name(index, "site")

    def remove_row(self, table: str, index: int) -> None:
        indexes = self.lesion_indexes if table == "liver.lesions" else self.site_indexes
        specs = LESION if table == "liver.lesions" else SITE
        if index not in indexes:
            return
        for spec in specs:
            self.values.pop(f"{table}[{index}].{spec.name}", None)
        indexes.remove(index)
        if table == "liver.lesions":
            self.lesion_indexes = indexes
        else:
            self.site_indexes = indexes
        self._renumber()
        self.focus = f"add-{'lesion' if table == 'liver.lesions' else 'site'}"

    def apply_action(self, action: str) -> bool:
        """A row button pressed (with or without JavaScript); True when one was."""
        if action == "add-lesion":
            self.add_lesion()
        elif action == "add-site":
            self.add_site()
        elif match := re.fullmatch(r"remove-(lesion|site)-(\d+)", action or ""):
            table = "liver.lesions" if match.group(1) == "lesion" else "extrahepatic.sites"
            self.remove_row(table, int(match.group(2)))
        else:
            return False
        return True

    # --- rendering --------------------------------------------------------------------------

    def bind(
        self, spec: FieldSpec, name: str | None = None, label: str | None = None
    ) -> BoundInput:
        name = name or spec.name
        value = self.values.get(name, [] if spec.kind == "multi" else "")
        if self.bound and spec.kind == "bool":
            value = "on" if value in ("on", "true") else ""
        return BoundInput(
            spec=spec,
            name=name,
            value=value,
            errors=self.errors.get(name, []),
            label=label or spec.label,
            autofocus=self.focus == name,
        )

    @property
    def sections(self) -> list[dict[str, Any]]:
        shown = []
        for key, legend, specs in SECTIONS:
            if key == "patient" and self.editing:
                continue
            # A new referral's study is its first: "a new study" only means something on an edit.
            fields = [self.bind(s) for s in specs if self.editing or s.name != "study.new"]
            shown.append({"key": key, "legend": legend, "fields": fields})
        return shown

    def section(self, key: str) -> dict[str, Any]:
        return next(section for section in self.sections if section["key"] == key)

    def _rows(self, indexes: list[int], specs: tuple, name_of: Any, row: str) -> list[dict]:
        return [
            {
                "index": index,
                "number": index + 1,
                "fields": [
                    self.bind(spec, name_of(index, spec.name), f"{row} {index + 1} {spec.label}")
                    for spec in specs
                ],
            }
            for index in indexes
        ]

    @property
    def lesion_rows(self) -> list[dict[str, Any]]:
        return self._rows(self.lesion_indexes, LESION, lesion_name, "Lesion")

    @property
    def site_rows(self) -> list[dict[str, Any]]:
        return self._rows(self.site_indexes, SITE, site_name, "Site")

    def field_errors(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    @property
    def lesion_errors(self) -> list[str]:
        return self.errors.get("liver.lesions", [])

    @property
    def site_errors(self) -> list[str]:
        return self.errors.get("extrahepatic.sites", [])

    def anchor_of(self, path: str) -> str:
        """The id of the element an error's link leads to."""
        tables = {"liver.lesions": "lesion-table", "extrahepatic.sites": "site-table"}
        if path in tables:
            return tables[path]
        return html_id(path) if path in self.known_names else "intake-form"

    def describe_errors(self, errors: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
        """Errors as a list a summary shows: label, link target and messages, in page order."""
        errors = self.errors if errors is None else errors
        return [
            {
                "path": path,
                "label": self.label_of(path) if path else "",
                "anchor": self.anchor_of(path),
                "messages": messages,
            }
            for path, messages in errors.items()
        ]

    @property
    def known_names(self) -> set[str]:
        names = {spec.name for _, _, specs in SECTIONS for spec in specs}
        names |= {lesion_name(i, s.name) for i in self.lesion_indexes for s in LESION}
        names |= {site_name(i, s.name) for i in self.site_indexes for s in SITE}
        return names | {"liver.lesions", "extrahepatic.sites"}

    @property
    def other_errors(self) -> dict[str, list[str]]:
        """Errors with no input of their own on this page (shown at the top)."""
        known = self.known_names
        return {path: msgs for path, msgs in self.errors.items() if path not in known}

    def label_of(self, path: str) -> str:
        match = ROW_PATTERN.match(path)
        if match:
            table, index, key = match.groups()
            specs = LESION if table == "liver.lesions" else SITE
            spec = next((s for s in specs if s.name == key), None)
            row = "Lesion" if table == "liver.lesions" else "Extrahepatic site"
            return f"{row} {int(index) + 1}: {spec.label if spec else key}"
        for _, legend, specs in SECTIONS:
            for spec in specs:
                if spec.name == path:
                    return f"{legend}: {spec.label}"
        return {"liver.lesions": "Lesions", "extrahepatic.sites": "Extrahepatic sites"}.get(
            path, path
        )

    # --- reading ----------------------------------------------------------------------------

    def _raw(self, name: str) -> Any:
        value = self.values.get(name)
        return value.strip() if isinstance(value, str) else value

    def _date(self, name: str, errors: dict[str, list[str]], *, required: bool = False):
        raw = self._raw(name) or ""
        if not raw:
            if required:
                errors[name] = ["Required."]
            return None
        try:
            parsed = parse_date(raw)
        except ValueError:
            parsed = None
        if parsed is None:
            errors[name] = ["Enter a date as YYYY-MM-DD."]
        return parsed

    def _read(self, spec: FieldSpec, name: str, errors: dict[str, list[str]]) -> tuple[bool, Any]:
        """(present, value) of one facts input; a blank optional input is absent (its default)."""
        raw = self._raw(name)
        if spec.kind == "bool":
            return True, raw in ("on", "true")
        if spec.kind == "multi":
            return True, [v for v in (raw or []) if v]
        if not raw:
            return (True, None) if spec.kind == "tristate" else (False, None)
        if spec.kind in ("tristate", "yesno"):
            if raw not in ("true", "false"):
                errors[name] = ["Choose yes or no."]
                return False, None
            return True, raw == "true"
        if spec.kind in ("int", "number") or spec.integer:
            try:
                number = float(raw)
            except ValueError:
                errors[name] = ["Enter a number."]
                return False, None
            if number != number or number in (float("inf"), float("-inf")):
                errors[name] = ["Enter a number."]
                return False, None
            if spec.kind == "int" or spec.integer:
                if not number.is_integer():
                    errors[name] = ["Enter a whole number."]
                    return False, None
                return True, int(number)
            return True, int(number) if number.is_integer() else number
        return True, raw

    def referred_on(self, errors: dict[str, list[str]]) -> date:
        return self._date("referral.referred_on", errors) or timezone.localdate()

    def birth_date(self, errors: dict[str, list[str]]) -> date | None:
        if self.editing:
            return self.patient_birth_date
        return self._date("patient.birth_date", errors, required=True)

    def facts_input(self, errors: dict[str, list[str]]) -> dict[str, Any]:
        """The pathway input as typed, with `patient.age` from the birth date on the referral
        date; inputs that could not be read are left out and their error put in `errors`."""
        facts: dict[str, Any] = {key: {} for key in FACTS_SECTIONS}
        facts["extrahepatic"] = {"sites": []}
        for key, _legend, specs in SECTIONS:
            for spec in specs:
                section, _, leaf = spec.name.partition(".")
                if section not in FACTS_SECTIONS or spec.kind == "date" or key == "patient":
                    continue
                present, value = self._read(spec, spec.name, errors)
                if present:
                    facts[section][leaf] = value
        lesions = []
        for index in self.lesion_indexes:
            lesion = {}
            for spec in LESION:
                present, value = self._read(spec, lesion_name(index, spec.name), errors)
                if present:
                    lesion[spec.name] = value
            lesions.append(lesion)
        facts["liver"]["lesions"] = lesions
        for index in self.site_indexes:
            entry = {}
            for spec in SITE:
                present, value = self._read(spec, site_name(index, spec.name), errors)
                if present:
                    entry[spec.name] = value
            facts["extrahepatic"]["sites"].append(entry)
        born = self.birth_date({})
        if born is not None:
            on = self.referred_on({})
            facts["patient"]["age"] = age_on(born, on)
        return facts

    def parse(self) -> tuple[CaseFacts | None, dict[str, Any], dict[str, list[str]]]:
        """The facts (or None), the input they came from, and the errors of the facts alone."""
        errors: dict[str, list[str]] = {}
        raw = self.facts_input(errors)
        try:
            facts = parse_facts(raw)
        except FactsValidationError as error:
            facts = None
            for path, messages in error.errors.items():
                home = ERROR_HOMES.get(path, path)
                if path == "patient.age" and "age" in raw["patient"]:
                    messages = [
                        f"Age on the referral date is {raw['patient']['age']}: "
                        + "; ".join(messages)
                    ]
                errors.setdefault(home, list(messages))
        return facts, raw, errors

    def full_clean(self) -> Intake | None:
        """Check everything; the cleaned intake, or None with `errors` filled in."""
        errors: dict[str, list[str]] = {}
        # PostgreSQL cannot store a NUL character in text: refuse it beside its field.
        for name, value in self.values.items():
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, str) and "\x00" in v for v in values):
                errors[name] = ["Contains a control character (NUL) that cannot be stored."]
        identity: dict[str, Any] = {}
        if not self.editing:
            for spec in IDENTITY:
                if spec.kind == "date":
                    identity["birth_date"] = self._date(spec.name, errors, required=True)
                    continue
                value = self._raw(spec.name) or ""
                if not value:
                    errors[spec.name] = ["Required."]
                elif spec.choices and value not in {v for v, _ in spec.choices if v}:
                    errors[spec.name] = ["Choose one of the options."]
                identity[spec.name.split(".", 1)[1]] = value
        question = self._raw("referral.question") or ""
        if not question:
            errors["referral.question"] = ["Required."]
        referred_on = self.referred_on(errors)
        cea_measured_on = self._date("biomarkers.cea_measured_on", errors)
        performance_assessed_on = self._date("performance.assessed_on", errors)
        if performance_assessed_on is not None and performance_assessed_on > timezone.localdate():
            errors["performance.assessed_on"] = ["Cannot be in the future."]
        study = self._study(errors)
        facts, raw, fact_errors = self.parse()
        for path, messages in fact_errors.items():
            errors.setdefault(path, messages)
        self.errors = errors
        if errors or facts is None:
            return None
        return Intake(
            identity=identity,
            question=question,
            referring_clinician=self._raw("referral.referring_clinician") or "",
            general_practitioner=self._raw("referral.general_practitioner") or "",
            referred_on=referred_on,
            cea_measured_on=cea_measured_on,
            facts=facts,
            study=study,
            facts_dict=raw,
            performance_assessed_on=performance_assessed_on,
            histology_confirmed=self._raw("histology.confirmed") in ("on", "true"),
        )

    def _study(self, errors: dict[str, list[str]]) -> dict[str, Any] | None:
        modality = self._raw("study.modality") or ""
        performed_on = self._date("study.performed_on", errors)
        if not modality and performed_on is None and "study.performed_on" not in errors:
            return None
        if not modality:
            errors["study.modality"] = ["Required for an imaging study."]
        elif modality not in Modality.values:
            errors["study.modality"] = ["Choose one of the options."]
        if performed_on is None and "study.performed_on" not in errors:
            errors["study.performed_on"] = ["Required for an imaging study."]
        return {
            "modality": modality,
            "performed_on": performed_on,
            "hepatospecific_contrast": self._raw("study.hepatospecific_contrast") in ("on", "true"),
            "diffusion_weighted": self._raw("study.diffusion_weighted") in ("on", "true"),
            "report_summary": self._raw("study.report_summary") or "",
            "new": self.editing and self._raw("study.new") in ("on", "true"),
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for path, messages in errors.items():
            self.errors.setdefault(ERROR_HOMES.get(path, path), []).extend(messages)


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for _, _, specs in SECTIONS:
        for spec in specs:
            if spec.default:
                values[spec.name] = spec.default
    return values


def _text(value: Any) -> Any:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return value if isinstance(value, list) else str(value)


def _input_value(spec: FieldSpec, value: Any) -> Any:
    return ("on" if value else "") if spec.kind == "bool" else _text(value)


def values_from_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The form's input values for a pathway input (whole or partial): what a user would type.
    `patient.age` has no input (it comes from the birth date)."""
    values: dict[str, Any] = {}
    for _, _, specs in SECTIONS:
        for spec in specs:
            section, _, leaf = spec.name.partition(".")
            if leaf in (facts.get(section) or {}):
                values[spec.name] = _input_value(spec, facts[section][leaf])
    for index, lesion in enumerate((facts.get("liver") or {}).get("lesions", [])):
        for spec in LESION:
            if spec.name in lesion:
                values[lesion_name(index, spec.name)] = _input_value(spec, lesion[spec.name])
    for index, entry in enumerate((facts.get("extrahepatic") or {}).get("sites", [])):
        for spec in SITE:
            values[site_name(index, spec.name)] = _input_value(spec, entry.get(spec.name))
    return values


def initial_from_case(case: Any, facts: dict[str, Any], study: Any) -> dict[str, Any]:
    """The form's values for an existing case: its facts (`case_facts_raw`), referral and
    latest imaging study, as the strings an input holds."""
    cea_on = getattr(getattr(case, "biomarkers", None), "cea_measured_on", None)
    values: dict[str, Any] = {
        "referral.question": case.question,
        "referral.referring_clinician": case.referring_clinician,
        "referral.general_practitioner": case.general_practitioner,
        "referral.referred_on": case.referred_on.isoformat(),
        "biomarkers.cea_measured_on": cea_on.isoformat() if cea_on else "",
        **values_from_facts(facts),
    }
    assessed_on = getattr(getattr(case, "performance_status", None), "assessed_on", None)
    values["performance.assessed_on"] = assessed_on.isoformat() if assessed_on else ""
    confirmed = getattr(getattr(case, "primary_tumour", None), "histology_confirmed", False)
    values["histology.confirmed"] = "on" if confirmed else ""
    if study is not None:
        values.update(
            {
                "study.modality": study.modality,
                "study.performed_on": study.performed_on.isoformat(),
                "study.hepatospecific_contrast": "on" if study.hepatospecific_contrast else "",
                "study.diffusion_weighted": "on" if study.diffusion_weighted else "",
                "study.report_summary": study.report_summary,
            }
        )
    return values


def intake_form_from_post(data: Any, user: Any) -> IntakeForm:
    """The form bound to a POST of the new-case or edit page. The edit page names its case in
    `editing_case`; the case is looked up among the user's own (another hospital's is ignored,
    and the form then reads as a new referral without a birth date)."""
    from .selectors import case_list

    case_id = (data.get("editing_case") or "").strip()
    if case_id:
        try:
            case = case_list(user=user).filter(pk=case_id).first()
        except (ValueError, ValidationError):
            case = None
        if case is not None:
            return IntakeForm(data, birth_date=case.patient.birth_date, editing=True)
    return IntakeForm(data)


def field_label(path: str) -> str:
    """What a person reads for a facts path: `liver.lesions[0].disappeared` -> "Lesion 1:
    Disappeared after chemotherapy" (the intake form's own label)."""
    return IntakeForm().label_of(path)


def labelled_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {field_label(path) if path else "": messages for path, messages in errors.items()}
