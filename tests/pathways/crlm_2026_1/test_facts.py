"""Tests of the case facts of crlm-2026.1 (its SPEC section 1): validation, canonical output and
the JSON schema.

Pure Python: no Django, no database. The shared examples live outside the repository; set
SHARED_DIR to point elsewhere.
"""

import copy
import json
import math
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.pathways import facts as facts_module
from apps.pathways.facts import (
    BRAF_STATUSES,
    EXTRAHEPATIC_SITES,
    MSI_STATUSES,
    PARENCHYMA,
    PRIMARY_SITES,
    RAS_STATUSES,
    RESPONSES,
    SURGICAL_FITNESS,
    SYMPTOMS,
    TIMINGS,
    CaseFacts,
    FactsValidationError,
    facts_json_schema,
)
from tests.pathways.crlm_2026_1.version import VERSION, facts_to_dict, parse_facts

FACTS_JSON_SCHEMA = facts_json_schema(VERSION)

SHARED_DIR = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[4] / "shared"))
EXAMPLES_DIR = SHARED_DIR / "pathways" / "examples"
VALID_EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
INVALID_EXAMPLES = sorted((EXAMPLES_DIR / "invalid").glob("*.json"))

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# A complete valid case whose every field is at a value that breaks no consistency rule, so a
# test can change one field and see only its own error.
BASE_CASE = {
    "patient": {"age": 60, "ecog": 1, "surgical_fitness": None, "declines_surgery": False},
    "primary": {
        "site": "left_colon",
        "in_situ": True,
        "symptoms": ["bleeding"],
        "node_positive": True,
    },
    "presentation": {
        "timing": "metachronous",
        "disease_free_interval_months": 18,
        "prior_hepatectomy": False,
    },
    "biomarkers": {"ras": "wild_type", "braf_v600e": "absent", "msi": "mss", "cea_ng_ml": 12.5},
    "liver": {
        "lesions": [
            {
                "segment": 2,
                "size_mm": 18,
                "near_major_vessel": False,
                "peribiliary": False,
                "subcapsular_or_dome": False,
                "disappeared": False,
            },
            {
                "segment": 7,
                "size_mm": 40.5,
                "near_major_vessel": True,
                "peribiliary": False,
                "subcapsular_or_dome": True,
                "disappeared": False,
            },
        ],
        "hepatic_veins_involved": 1,
        "both_portal_pedicles_involved": False,
        "flr_percent": 45,
        "parenchyma": "normal",
        "r0_feasible": True,
    },
    "extrahepatic": {"sites": [{"site": "lung", "resectable": True}]},
    "treatment": {
        "prior_systemic_lines": 1,
        "preoperative_cycles": 4,
        "latest_response": "partial",
        "chemo_refractory": False,
    },
    "workup": {
        "mri_hepatospecific_done": True,
        "pet_ct_done": False,
        "colonoscopy_within_6_months": True,
    },
}

# Every field's default, as facts_to_dict must fill it in.
DEFAULTS = {
    "patient.surgical_fitness": None,
    "patient.declines_surgery": False,
    "primary.symptoms": [],
    "primary.node_positive": None,
    "presentation.disease_free_interval_months": None,
    "presentation.prior_hepatectomy": False,
    "biomarkers.ras": "unknown",
    "biomarkers.braf_v600e": "unknown",
    "biomarkers.msi": "unknown",
    "biomarkers.cea_ng_ml": None,
    "liver.hepatic_veins_involved": 0,
    "liver.both_portal_pedicles_involved": False,
    "liver.flr_percent": None,
    "liver.parenchyma": "normal",
    "liver.r0_feasible": None,
    "extrahepatic.sites": [],
    "treatment.prior_systemic_lines": 0,
    "treatment.preoperative_cycles": 0,
    "treatment.latest_response": None,
    "treatment.chemo_refractory": False,
    "workup.mri_hepatospecific_done": False,
    "workup.pet_ct_done": False,
    "workup.colonoscopy_within_6_months": False,
    "liver.lesions[0].near_major_vessel": False,
    "liver.lesions[0].peribiliary": False,
    "liver.lesions[0].subcapsular_or_dome": False,
    "liver.lesions[0].disappeared": False,
}

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path):
    return [int(index) if index else name for name, index in _STEP.findall(path)]


def base_case():
    return copy.deepcopy(BASE_CASE)


def with_value(case, path, value):
    """A copy of `case` with the field at `path` (e.g. "liver.lesions[1].segment") set."""
    case = copy.deepcopy(case)
    *parents, last = _steps(path)
    target = case
    for step in parents:
        target = target[step]
    target[last] = value
    return case


def without(case, path):
    case = copy.deepcopy(case)
    *parents, last = _steps(path)
    target = case
    for step in parents:
        target = target[step]
    del target[last]
    return case


def errors_of(data):
    """The error dict of `data`, or {} when it is valid."""
    try:
        parse_facts(data)
    except FactsValidationError as error:
        return error.errors
    return {}


def error_paths(data):
    return set(errors_of(data))


def minimal_case():
    """Only the required fields."""
    return {
        "patient": {"age": 60, "ecog": 0},
        "primary": {"site": "rectum", "in_situ": False},
        "presentation": {"timing": "synchronous"},
        "liver": {"lesions": [{"segment": 4, "size_mm": 10}]},
    }


def _get(data, path):
    for step in _steps(path):
        data = data[step]
    return data


def _assert_given_values_kept(given, canonical):
    # Every key present in the input comes back with the same value, in the same JSON spelling.
    if isinstance(given, dict):
        for key, value in given.items():
            _assert_given_values_kept(value, canonical[key])
    elif isinstance(given, list):
        assert len(given) == len(canonical)
        for given_item, canonical_item in zip(given, canonical, strict=True):
            _assert_given_values_kept(given_item, canonical_item)
    else:
        assert json.dumps(given) == json.dumps(canonical)


# --- the shared examples -------------------------------------------------------------------------


def test_shared_examples_are_found():
    assert len(VALID_EXAMPLES) >= 10
    assert len(INVALID_EXAMPLES) >= 5


@pytest.mark.parametrize("path", VALID_EXAMPLES, ids=lambda path: path.stem)
def test_parse_facts_accepts_each_valid_example(path):
    case = json.loads(path.read_text())["case"]
    assert isinstance(parse_facts(case), CaseFacts)


@pytest.mark.parametrize("path", VALID_EXAMPLES, ids=lambda path: path.stem)
def test_facts_to_dict_returns_each_example_with_defaults_filled(path):
    case = json.loads(path.read_text())["case"]
    canonical = facts_to_dict(parse_facts(case))
    _assert_given_values_kept(case, canonical)
    assert json.loads(json.dumps(canonical)) == canonical
    assert list(canonical) == list(FACTS_JSON_SCHEMA["properties"])
    for section, fields in canonical.items():
        assert list(fields) == list(FACTS_JSON_SCHEMA["properties"][section]["properties"])
    assert parse_facts(canonical) == parse_facts(case)


@pytest.mark.parametrize("path", INVALID_EXAMPLES, ids=lambda path: path.stem)
def test_parse_facts_reports_exactly_the_paths_of_each_invalid_example(path):
    example = json.loads(path.read_text())
    assert error_paths(example["case"]) == set(example["errors"])


# --- whole-case behaviour ------------------------------------------------------------------------


def test_parse_facts_accepts_the_base_case():
    facts = parse_facts(base_case())
    assert facts.liver.lesions[1].size_mm == 40.5
    assert facts.extrahepatic.sites[0].site == "lung"


def test_parse_facts_accepts_only_the_required_fields():
    facts = parse_facts(minimal_case())
    canonical = facts_to_dict(facts)
    for path, default in DEFAULTS.items():
        assert _get(canonical, path) == default, path


def test_parse_facts_treats_every_optional_null_as_its_default():
    case = base_case()
    for path in DEFAULTS:
        case = with_value(case, path, None)
    canonical = facts_to_dict(parse_facts(case))
    for path, default in DEFAULTS.items():
        assert _get(canonical, path) == default, path


def test_parse_facts_returns_typed_values():
    facts = parse_facts(base_case())
    assert type(facts.patient.age) is int
    assert type(facts.liver.lesions[0].segment) is int
    assert type(facts.liver.lesions[0].size_mm) is float
    assert type(facts.liver.flr_percent) is float
    assert type(facts.presentation.disease_free_interval_months) is float
    assert type(facts.biomarkers.cea_ng_ml) is float
    assert facts.primary.symptoms == ("bleeding",)


def test_case_facts_are_frozen():
    facts = parse_facts(base_case())
    with pytest.raises(AttributeError):
        facts.patient.age = 61  # type: ignore[misc]


def test_facts_validation_error_is_a_value_error_with_a_readable_message():
    with pytest.raises(ValueError, match=r"patient\.age"):
        parse_facts(with_value(base_case(), "patient.age", 5))


def test_facts_validation_error_gives_one_message_per_path():
    errors = errors_of(with_value(base_case(), "liver.lesions[1].segment", 9))
    assert errors == {"liver.lesions[1].segment": ["Must be a whole number from 1 to 8."]}


def test_parse_facts_reports_every_error_at_once():
    case = with_value(base_case(), "patient.age", 17)
    case = with_value(case, "liver.lesions[0].size_mm", -1)
    case = with_value(case, "workup.pet_ct_done", "no")
    case = with_value(case, "biomarkers.msi", "MSI-H")
    assert error_paths(case) == {
        "patient.age",
        "liver.lesions[0].size_mm",
        "workup.pet_ct_done",
        "biomarkers.msi",
    }


def test_parse_facts_takes_well_under_a_millisecond():
    # The budget is 100 µs on a quiet machine; the bound is loose so a busy runner stays green.
    case = json.loads(VALID_EXAMPLES[0].read_text())["case"]
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        parse_facts(case)
    assert (time.perf_counter() - start) / runs < 0.001


# --- the body and its sections -------------------------------------------------------------------


@pytest.mark.parametrize("body", [[], [BASE_CASE], "case", 5, 2.5, True, None])
def test_parse_facts_reports_a_body_that_is_not_an_object_under_the_empty_path(body):
    assert error_paths(body) == {""}


def test_parse_facts_reports_the_required_fields_of_an_empty_body():
    assert error_paths({}) == {
        "patient.age",
        "patient.ecog",
        "primary.site",
        "primary.in_situ",
        "presentation.timing",
        "liver.lesions",
    }


@pytest.mark.parametrize("section", ["patient", "primary", "presentation", "liver"])
def test_parse_facts_reads_a_null_section_as_empty(section):
    required = {path for path in error_paths({}) if path.startswith(section + ".")}
    assert error_paths(with_value(base_case(), section, None)) == required
    assert error_paths(without(base_case(), section)) == required


@pytest.mark.parametrize("section", ["biomarkers", "extrahepatic", "treatment", "workup"])
def test_parse_facts_gives_defaults_for_a_null_or_absent_optional_section(section):
    for case in (with_value(base_case(), section, None), without(base_case(), section)):
        canonical = facts_to_dict(parse_facts(case))
        for path, default in DEFAULTS.items():
            if path.startswith(section + "."):
                assert _get(canonical, path) == default


@pytest.mark.parametrize("value", [5, "patient", [], [{"age": 60}], True, 1.5])
def test_parse_facts_reports_a_non_object_section_at_the_section_only(value):
    assert error_paths(with_value(base_case(), "patient", value)) == {"patient"}
    assert error_paths(with_value(base_case(), "workup", value)) == {"workup"}


def test_parse_facts_reports_an_unknown_top_level_key():
    assert error_paths(with_value(base_case(), "patients", {})) == {"patients"}


def test_parse_facts_reports_an_unknown_nested_key():
    assert error_paths(with_value(base_case(), "treatment.lines", 2)) == {"treatment.lines"}


def test_parse_facts_reports_an_unknown_key_inside_a_lesion():
    case = with_value(base_case(), "liver.lesions[1].diameter_mm", 12)
    assert error_paths(case) == {"liver.lesions[1].diameter_mm"}


def test_parse_facts_reports_an_unknown_key_inside_an_extrahepatic_site():
    case = with_value(base_case(), "extrahepatic.sites[0].count", 2)
    assert error_paths(case) == {"extrahepatic.sites[0].count"}


def test_parse_facts_reports_an_unknown_key_even_when_its_value_is_null():
    assert error_paths(with_value(base_case(), "biomarkers.kras", None)) == {"biomarkers.kras"}


def test_parse_facts_reports_each_path_once_when_an_unknown_key_spells_a_nested_path():
    case = with_value(base_case(), "liver.lesions[0].segment", 0)
    case["liver"]["lesions[0].segment"] = 1
    assert errors_of(case) == {"liver.lesions[0].segment": ["Unknown field."]}


def test_parse_facts_reports_a_misspelt_field_and_the_missing_one():
    case = with_value(without(base_case(), "patient.age"), "patient.agee", 60)
    assert error_paths(case) == {"patient.agee", "patient.age"}


def test_parse_facts_does_not_default_a_misspelt_optional_field():
    case = with_value(without(base_case(), "liver.parenchyma"), "liver.parenchym", "cirrhosis")
    assert error_paths(case) == {"liver.parenchym"}


@pytest.mark.parametrize(
    "path",
    [
        "patient.age",
        "patient.ecog",
        "primary.site",
        "primary.in_situ",
        "presentation.timing",
        "liver.lesions",
        "liver.lesions[0].segment",
        "liver.lesions[0].size_mm",
        "extrahepatic.sites[0].site",
        "extrahepatic.sites[0].resectable",
    ],
)
def test_parse_facts_reports_a_required_field_that_is_missing_or_null(path):
    assert error_paths(without(base_case(), path)) == {path}
    assert error_paths(with_value(base_case(), path, None)) == {path}


# --- types ---------------------------------------------------------------------------------------

INTEGER_PATHS = [
    "patient.age",
    "patient.ecog",
    "liver.lesions[0].segment",
    "liver.hepatic_veins_involved",
    "treatment.prior_systemic_lines",
    "treatment.preoperative_cycles",
]
NUMBER_PATHS = [
    "presentation.disease_free_interval_months",
    "biomarkers.cea_ng_ml",
    "liver.lesions[0].size_mm",
    "liver.flr_percent",
]
BOOLEAN_PATHS = [
    "patient.declines_surgery",
    "primary.in_situ",
    "primary.node_positive",
    "presentation.prior_hepatectomy",
    "liver.lesions[0].near_major_vessel",
    "liver.lesions[0].peribiliary",
    "liver.lesions[0].subcapsular_or_dome",
    "liver.lesions[0].disappeared",
    "liver.both_portal_pedicles_involved",
    "liver.r0_feasible",
    "extrahepatic.sites[0].resectable",
    "treatment.chemo_refractory",
    "workup.mri_hepatospecific_done",
    "workup.pet_ct_done",
    "workup.colonoscopy_within_6_months",
]


@pytest.mark.parametrize("path", INTEGER_PATHS + NUMBER_PATHS)
@pytest.mark.parametrize("value", [True, False])
def test_parse_facts_rejects_a_boolean_as_a_number(path, value):
    assert error_paths(with_value(base_case(), path, value)) == {path}


@pytest.mark.parametrize("path", INTEGER_PATHS + NUMBER_PATHS)
@pytest.mark.parametrize("value", ["2", "two", ""])
def test_parse_facts_rejects_a_string_as_a_number(path, value):
    assert error_paths(with_value(base_case(), path, value)) == {path}


@pytest.mark.parametrize("path", INTEGER_PATHS + NUMBER_PATHS)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_parse_facts_rejects_nan_and_infinity_as_a_number(path, value):
    assert error_paths(with_value(base_case(), path, value)) == {path}


@pytest.mark.parametrize("path", INTEGER_PATHS + NUMBER_PATHS)
@pytest.mark.parametrize("value", [[2], {"value": 2}])
def test_parse_facts_rejects_a_list_or_object_as_a_number(path, value):
    assert error_paths(with_value(base_case(), path, value)) == {path}


def test_parse_facts_reads_a_whole_float_as_an_integer():
    facts = parse_facts(with_value(base_case(), "liver.lesions[0].segment", 3.0))
    assert facts.liver.lesions[0].segment == 3
    assert type(facts.liver.lesions[0].segment) is int
    assert type(parse_facts(with_value(base_case(), "patient.age", 60.0)).patient.age) is int


@pytest.mark.parametrize("path", INTEGER_PATHS)
def test_parse_facts_rejects_a_fraction_for_an_integer(path):
    assert error_paths(with_value(base_case(), path, 2.5)) == {path}


def test_parse_facts_reads_an_integer_as_a_float_for_a_number():
    facts = parse_facts(with_value(base_case(), "liver.flr_percent", 30))
    assert facts.liver.flr_percent == 30.0
    assert type(facts.liver.flr_percent) is float


def test_parse_facts_rejects_an_integer_too_large_for_a_float():
    assert error_paths(with_value(base_case(), "biomarkers.cea_ng_ml", 10**400)) == {
        "biomarkers.cea_ng_ml"
    }


@pytest.mark.parametrize("path", BOOLEAN_PATHS)
@pytest.mark.parametrize("value", ["true", 1, 0, 1.0, "yes", []])
def test_parse_facts_rejects_a_non_boolean_for_a_boolean(path, value):
    assert error_paths(with_value(base_case(), path, value)) == {path}


# --- ranges --------------------------------------------------------------------------------------

RANGE_CASES = [
    ("patient.age", 17, False),
    ("patient.age", 18, True),
    ("patient.age", 110, True),
    ("patient.age", 111, False),
    ("patient.ecog", -1, False),
    ("patient.ecog", 0, True),
    ("patient.ecog", 3, True),
    ("patient.ecog", 5, False),
    ("liver.lesions[0].segment", 0, False),
    ("liver.lesions[0].segment", 1, True),
    ("liver.lesions[0].segment", 8, True),
    ("liver.lesions[0].segment", 9, False),
    ("liver.lesions[0].size_mm", -5, False),
    ("liver.lesions[0].size_mm", 0, False),
    ("liver.lesions[0].size_mm", 0.0, False),
    ("liver.lesions[0].size_mm", 0.1, True),
    ("liver.lesions[0].size_mm", 300, True),
    ("liver.lesions[0].size_mm", 300.5, False),
    ("liver.hepatic_veins_involved", -1, False),
    ("liver.hepatic_veins_involved", 0, True),
    ("liver.hepatic_veins_involved", 3, True),
    ("liver.hepatic_veins_involved", 4, False),
    ("liver.flr_percent", -0.1, False),
    ("liver.flr_percent", 0, True),
    ("liver.flr_percent", 100, True),
    ("liver.flr_percent", 100.1, False),
    ("presentation.disease_free_interval_months", -0.5, False),
    ("presentation.disease_free_interval_months", 0, True),
    ("presentation.disease_free_interval_months", 240.5, True),
    ("biomarkers.cea_ng_ml", -1, False),
    ("biomarkers.cea_ng_ml", 0, True),
    ("biomarkers.cea_ng_ml", 1e6, True),
    ("treatment.prior_systemic_lines", -1, False),
    ("treatment.prior_systemic_lines", 0, True),
    ("treatment.prior_systemic_lines", 10, True),
    ("treatment.prior_systemic_lines", 11, False),
    ("treatment.preoperative_cycles", -1, False),
    ("treatment.preoperative_cycles", 1, True),
    ("treatment.preoperative_cycles", 50, True),
    ("treatment.preoperative_cycles", 51, False),
]


@pytest.mark.parametrize(("path", "value", "accepted"), RANGE_CASES)
def test_parse_facts_checks_the_range_of_each_number(path, value, accepted):
    expected = set() if accepted else {path}
    assert error_paths(with_value(base_case(), path, value)) == expected


def _lesions(count):
    return [{"segment": 1 + index % 8, "size_mm": 10} for index in range(count)]


def test_parse_facts_rejects_an_empty_lesion_list():
    assert error_paths(with_value(base_case(), "liver.lesions", [])) == {"liver.lesions"}


def test_parse_facts_accepts_one_and_fifty_lesions():
    for count in (1, 50):
        facts = parse_facts(with_value(base_case(), "liver.lesions", _lesions(count)))
        assert len(facts.liver.lesions) == count


def test_parse_facts_rejects_fifty_one_lesions():
    assert error_paths(with_value(base_case(), "liver.lesions", _lesions(51))) == {"liver.lesions"}


@pytest.mark.parametrize("value", [{"segment": 2, "size_mm": 10}, "lesions", 3])
def test_parse_facts_rejects_lesions_that_are_not_a_list(value):
    assert error_paths(with_value(base_case(), "liver.lesions", value)) == {"liver.lesions"}


@pytest.mark.parametrize("value", [None, 2, "segment 2", [2, 10]])
def test_parse_facts_reports_a_lesion_that_is_not_an_object_at_its_index(value):
    case = with_value(base_case(), "liver.lesions[1]", value)
    assert error_paths(case) == {"liver.lesions[1]"}


def test_parse_facts_reports_a_bad_lesion_inside_an_over_long_list_too():
    lesions = _lesions(51)
    lesions[3]["segment"] = 0
    case = with_value(base_case(), "liver.lesions", lesions)
    assert error_paths(case) == {"liver.lesions", "liver.lesions[3].segment"}


@pytest.mark.parametrize("value", [{"site": "lung", "resectable": True}, "lung", 1])
def test_parse_facts_rejects_sites_that_are_not_a_list(value):
    assert error_paths(with_value(base_case(), "extrahepatic.sites", value)) == {
        "extrahepatic.sites"
    }


def test_parse_facts_reports_a_site_that_is_not_an_object_at_its_index():
    case = with_value(base_case(), "extrahepatic.sites", [{"site": "bone", "resectable": False}, 4])
    assert error_paths(case) == {"extrahepatic.sites[1]"}


# --- allowed values ------------------------------------------------------------------------------

CHOICE_FIELDS = [
    ("patient.surgical_fitness", SURGICAL_FITNESS),
    ("primary.site", PRIMARY_SITES),
    ("presentation.timing", TIMINGS),
    ("biomarkers.ras", RAS_STATUSES),
    ("biomarkers.braf_v600e", BRAF_STATUSES),
    ("biomarkers.msi", MSI_STATUSES),
    ("liver.parenchyma", PARENCHYMA),
    ("extrahepatic.sites[0].site", EXTRAHEPATIC_SITES),
    ("treatment.latest_response", RESPONSES),
]


def _make_consistent(case):
    # Values that a choice test sets may trip a consistency rule; keep the case clear of them.
    case = with_value(case, "patient.ecog", 1)
    if _get(case, "presentation.timing") == "synchronous":
        case = with_value(case, "presentation.disease_free_interval_months", None)
    return case


@pytest.mark.parametrize(("path", "choices"), CHOICE_FIELDS)
def test_parse_facts_accepts_every_allowed_value(path, choices):
    for value in choices:
        case = _make_consistent(with_value(base_case(), path, value))
        assert error_paths(case) == set(), value


@pytest.mark.parametrize(("path", "choices"), CHOICE_FIELDS)
@pytest.mark.parametrize("transform", [str.upper, lambda value: value + " ", lambda value: "x"])
def test_parse_facts_rejects_a_value_outside_the_list(path, choices, transform):
    assert error_paths(with_value(base_case(), path, transform(choices[0]))) == {path}


@pytest.mark.parametrize(("path", "choices"), CHOICE_FIELDS)
@pytest.mark.parametrize("value", [1, True, ["fit"], {"value": "fit"}])
def test_parse_facts_rejects_a_non_string_for_a_choice(path, choices, value):
    assert error_paths(with_value(base_case(), path, value)) == {path}


def test_parse_facts_accepts_every_symptom():
    for symptom in SYMPTOMS:
        assert parse_facts(with_value(base_case(), "primary.symptoms", [symptom]))


@pytest.mark.parametrize("value", ["Bleeding", "pain", 1, None, ["bleeding"]])
def test_parse_facts_reports_an_unknown_symptom_at_its_index(value):
    case = with_value(base_case(), "primary.symptoms", ["obstruction", value])
    assert error_paths(case) == {"primary.symptoms[1]"}


@pytest.mark.parametrize("value", ["bleeding", {"bleeding": True}, 1])
def test_parse_facts_rejects_symptoms_that_are_not_a_list(value):
    assert error_paths(with_value(base_case(), "primary.symptoms", value)) == {"primary.symptoms"}


def test_parse_facts_reports_a_duplicate_symptom_under_the_later_entry():
    case = with_value(base_case(), "primary.symptoms", ["bleeding", "obstruction", "bleeding"])
    assert error_paths(case) == {"primary.symptoms[2]"}


def test_parse_facts_reports_each_later_duplicate_symptom():
    case = with_value(base_case(), "primary.symptoms", ["bleeding", "bleeding", "bleeding"])
    assert error_paths(case) == {"primary.symptoms[1]", "primary.symptoms[2]"}


def test_parse_facts_keeps_symptoms_in_the_canonical_order():
    case = with_value(base_case(), "primary.symptoms", ["perforation", "bleeding", "obstruction"])
    facts = parse_facts(case)
    assert facts.primary.symptoms == ("obstruction", "bleeding", "perforation")
    assert facts_to_dict(facts)["primary"]["symptoms"] == ["obstruction", "bleeding", "perforation"]
    reordered = with_value(
        base_case(), "primary.symptoms", ["bleeding", "perforation", "obstruction"]
    )
    assert parse_facts(reordered) == facts


def test_parse_facts_reports_a_duplicate_site_under_the_later_entry():
    sites = [
        {"site": "lung", "resectable": True},
        {"site": "bone", "resectable": False},
        {"site": "lung", "resectable": False},
    ]
    case = with_value(base_case(), "extrahepatic.sites", sites)
    assert error_paths(case) == {"extrahepatic.sites[2].site"}


def test_parse_facts_does_not_report_a_duplicate_of_an_invalid_site():
    sites = [{"site": "Lung", "resectable": True}, {"site": "Lung", "resectable": True}]
    case = with_value(base_case(), "extrahepatic.sites", sites)
    assert error_paths(case) == {"extrahepatic.sites[0].site", "extrahepatic.sites[1].site"}


def test_parse_facts_reports_a_duplicate_site_even_when_another_field_of_it_is_bad():
    sites = [{"site": "lung", "resectable": True}, {"site": "lung", "resectable": "yes"}]
    case = with_value(base_case(), "extrahepatic.sites", sites)
    assert error_paths(case) == {"extrahepatic.sites[1].site", "extrahepatic.sites[1].resectable"}


# --- surgical fitness ----------------------------------------------------------------------------


@pytest.mark.parametrize(("ecog", "expected"), [(0, "fit"), (2, "fit"), (3, "unfit"), (4, "unfit")])
def test_patient_facts_effective_surgical_fitness_follows_ecog_when_not_given(ecog, expected):
    case = with_value(without(base_case(), "patient.surgical_fitness"), "patient.ecog", ecog)
    patient = parse_facts(case).patient
    assert patient.surgical_fitness is None
    assert patient.effective_surgical_fitness == expected


def test_patient_facts_effective_surgical_fitness_keeps_the_given_value():
    case = with_value(base_case(), "patient.surgical_fitness", "unfit")
    patient = parse_facts(case).patient
    assert patient.surgical_fitness == "unfit"
    assert patient.effective_surgical_fitness == "unfit"
    case = with_value(with_value(base_case(), "patient.ecog", 3), "patient.surgical_fitness", "fit")
    assert parse_facts(case).patient.effective_surgical_fitness == "fit"


def test_facts_to_dict_keeps_surgical_fitness_null_when_not_given():
    facts = parse_facts(without(base_case(), "patient.surgical_fitness"))
    assert facts_to_dict(facts)["patient"]["surgical_fitness"] is None


# --- consistency rules ---------------------------------------------------------------------------


def _synchronous(case):
    case = with_value(case, "presentation.timing", "synchronous")
    return with_value(case, "presentation.disease_free_interval_months", None)


@pytest.mark.parametrize("interval", [0, 0.0, 6, 18.5])
def test_parse_facts_rejects_an_interval_with_synchronous_timing(interval):
    case = with_value(
        _synchronous(base_case()), "presentation.disease_free_interval_months", interval
    )
    assert error_paths(case) == {"presentation.disease_free_interval_months"}


def test_parse_facts_accepts_an_interval_with_metachronous_timing():
    case = with_value(base_case(), "presentation.disease_free_interval_months", 0)
    assert error_paths(case) == set()


@pytest.mark.parametrize("timing", [None, "simultaneous", 1])
def test_parse_facts_skips_the_interval_rule_when_timing_is_invalid(timing):
    case = with_value(base_case(), "presentation.disease_free_interval_months", 0)
    assert error_paths(with_value(case, "presentation.timing", timing)) == {"presentation.timing"}


def test_parse_facts_skips_the_interval_rule_when_the_interval_is_invalid():
    case = with_value(_synchronous(base_case()), "presentation.disease_free_interval_months", -1)
    assert error_paths(case) == {"presentation.disease_free_interval_months"}


def test_parse_facts_rejects_a_prior_hepatectomy_with_synchronous_timing():
    case = with_value(_synchronous(base_case()), "presentation.prior_hepatectomy", True)
    assert error_paths(case) == {"presentation.prior_hepatectomy"}
    assert error_paths(with_value(base_case(), "presentation.prior_hepatectomy", True)) == set()


def test_parse_facts_skips_the_prior_hepatectomy_rule_when_a_named_field_is_invalid():
    case = with_value(_synchronous(base_case()), "presentation.prior_hepatectomy", "true")
    assert error_paths(case) == {"presentation.prior_hepatectomy"}
    case = with_value(base_case(), "presentation.prior_hepatectomy", True)
    case = without(case, "presentation.timing")
    assert error_paths(case) == {"presentation.timing"}


def test_parse_facts_reports_both_synchronous_rules_at_once():
    case = with_value(base_case(), "presentation.timing", "synchronous")
    case = with_value(case, "presentation.prior_hepatectomy", True)
    assert error_paths(case) == {
        "presentation.disease_free_interval_months",
        "presentation.prior_hepatectomy",
    }


def test_parse_facts_rejects_symptoms_of_a_resected_primary():
    case = with_value(base_case(), "primary.in_situ", False)
    assert error_paths(case) == {"primary.symptoms"}
    assert error_paths(with_value(case, "primary.symptoms", [])) == set()


def test_parse_facts_skips_the_symptom_rule_when_a_named_field_is_invalid():
    case = with_value(base_case(), "primary.in_situ", False)
    case = with_value(case, "primary.symptoms", ["bleeding", "bleeding"])
    assert error_paths(case) == {"primary.symptoms[1]"}
    case = with_value(base_case(), "primary.in_situ", "no")
    assert error_paths(case) == {"primary.in_situ"}


def test_parse_facts_rejects_a_response_without_cycles():
    case = with_value(base_case(), "treatment.preoperative_cycles", 0)
    assert error_paths(case) == {"treatment.latest_response"}
    assert error_paths(without(case, "treatment.preoperative_cycles")) == {
        "treatment.latest_response"
    }
    assert error_paths(with_value(case, "treatment.latest_response", None)) == set()


def test_parse_facts_skips_the_response_rule_when_a_named_field_is_invalid():
    case = with_value(base_case(), "treatment.preoperative_cycles", -1)
    assert error_paths(case) == {"treatment.preoperative_cycles"}
    case = with_value(case, "treatment.preoperative_cycles", 0)
    case = with_value(case, "treatment.latest_response", "good")
    assert error_paths(case) == {"treatment.latest_response"}


def _untreated(case):
    case = with_value(case, "treatment.prior_systemic_lines", 0)
    case = with_value(case, "treatment.preoperative_cycles", 0)
    return with_value(case, "treatment.latest_response", None)


def test_parse_facts_rejects_chemo_refractory_without_any_treatment():
    case = with_value(_untreated(base_case()), "treatment.chemo_refractory", True)
    assert error_paths(case) == {"treatment.chemo_refractory"}
    case = without(without(case, "treatment.prior_systemic_lines"), "treatment.preoperative_cycles")
    assert error_paths(case) == {"treatment.chemo_refractory"}


def test_parse_facts_accepts_chemo_refractory_after_some_treatment():
    case = with_value(_untreated(base_case()), "treatment.chemo_refractory", True)
    assert error_paths(with_value(case, "treatment.prior_systemic_lines", 3)) == set()
    case = with_value(case, "treatment.preoperative_cycles", 2)
    assert error_paths(case) == set()


def test_parse_facts_skips_the_refractory_rule_when_a_named_field_is_invalid():
    case = with_value(_untreated(base_case()), "treatment.chemo_refractory", True)
    assert error_paths(with_value(case, "treatment.prior_systemic_lines", 11)) == {
        "treatment.prior_systemic_lines"
    }
    assert error_paths(with_value(case, "treatment.preoperative_cycles", "0")) == {
        "treatment.preoperative_cycles"
    }


def test_parse_facts_rejects_surgical_fitness_fit_at_ecog_4():
    case = with_value(base_case(), "patient.ecog", 4)
    assert error_paths(with_value(case, "patient.surgical_fitness", "fit")) == {
        "patient.surgical_fitness"
    }
    assert error_paths(with_value(case, "patient.surgical_fitness", "unfit")) == set()
    assert error_paths(case) == set()


def test_parse_facts_skips_the_fitness_rule_when_a_named_field_is_invalid():
    case = with_value(base_case(), "patient.surgical_fitness", "fit")
    assert error_paths(with_value(case, "patient.ecog", 4.5)) == {"patient.ecog"}
    assert error_paths(without(case, "patient.ecog")) == {"patient.ecog"}


def test_parse_facts_skips_rules_of_a_section_that_is_not_an_object():
    assert error_paths(with_value(base_case(), "treatment", [])) == {"treatment"}


# --- canonical output ----------------------------------------------------------------------------


def test_facts_to_dict_writes_whole_floats_as_integers():
    case = with_value(base_case(), "liver.lesions[0].size_mm", 18.0)
    case = with_value(case, "patient.age", 60.0)
    canonical = facts_to_dict(parse_facts(case))
    assert json.dumps(canonical["liver"]["lesions"][0]["size_mm"]) == "18"
    assert json.dumps(canonical["patient"]["age"]) == "60"
    assert canonical["liver"]["lesions"][1]["size_mm"] == 40.5


def test_facts_to_dict_round_trips_the_base_case_unchanged():
    assert facts_to_dict(parse_facts(base_case())) == BASE_CASE


# --- the JSON schema -----------------------------------------------------------------------------


def test_facts_json_schema_describes_every_field():
    def walk(schema, path):
        assert schema.get("description"), path
        for name, inner in schema.get("properties", {}).items():
            walk(inner, f"{path}.{name}")
        if schema.get("items", {}).get("type") == "object":
            walk(schema["items"], f"{path}[]")

    walk(FACTS_JSON_SCHEMA, "")
    assert FACTS_JSON_SCHEMA["additionalProperties"] is False


def test_facts_json_schema_uses_the_module_ranges_and_lists():
    properties = FACTS_JSON_SCHEMA["properties"]
    age = properties["patient"]["properties"]["age"]
    assert (age["type"], age["minimum"], age["maximum"]) == ("integer", 18, 110)
    lesions = properties["liver"]["properties"]["lesions"]
    assert (lesions["minItems"], lesions["maxItems"]) == (1, 50)
    size = lesions["items"]["properties"]["size_mm"]
    assert (size["minimum"], size["exclusiveMinimum"], size["maximum"]) == (0, True, 300)
    assert lesions["items"]["required"] == ["segment", "size_mm"]
    assert properties["primary"]["properties"]["site"]["enum"] == list(PRIMARY_SITES)
    assert properties["primary"]["required"] == ["site", "in_situ"]
    assert properties["liver"]["properties"]["r0_feasible"]["nullable"] is True
    assert properties["biomarkers"]["properties"]["ras"]["default"] == "unknown"
    assert FACTS_JSON_SCHEMA["required"] == ["patient", "primary", "presentation", "liver"]


def test_facts_json_schema_names_the_consistency_rules():
    treatment = FACTS_JSON_SCHEMA["properties"]["treatment"]["properties"]
    assert "preoperative_cycles is 0" in treatment["latest_response"]["description"]


def _as_draft4(schema):
    # OpenAPI 3.0 says "nullable"; JSON Schema draft 4 (same boolean exclusiveMinimum) says
    # type: [..., "null"].
    if isinstance(schema, dict):
        converted = {key: _as_draft4(value) for key, value in schema.items() if key != "nullable"}
        if schema.get("nullable"):
            converted["type"] = [schema["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        return converted
    if isinstance(schema, list):
        return [_as_draft4(item) for item in schema]
    return schema


def test_facts_json_schema_accepts_every_valid_example():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft4Validator(_as_draft4(FACTS_JSON_SCHEMA))
    for path in VALID_EXAMPLES:
        case = json.loads(path.read_text())["case"]
        validator.validate(case)
        validator.validate(facts_to_dict(parse_facts(case)))


def test_facts_json_schema_rejects_type_and_range_errors_of_the_invalid_examples():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft4Validator(_as_draft4(FACTS_JSON_SCHEMA))
    for name in ("boolean-is-not-a-number", "lesion-size-zero", "segment-as-text"):
        case = json.loads((EXAMPLES_DIR / "invalid" / f"{name}.json").read_text())["case"]
        assert not validator.is_valid(case), name


# --- properties ----------------------------------------------------------------------------------

json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _field_paths(case, prefix=""):
    if isinstance(case, dict):
        for key, value in case.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from _field_paths(value, path)
    elif isinstance(case, list):
        for index, value in enumerate(case):
            path = f"{prefix}[{index}]"
            yield path
            yield from _field_paths(value, path)


BASE_PATHS = list(_field_paths(BASE_CASE))


def _assert_parses_or_reports(data):
    try:
        result = parse_facts(data)
    except FactsValidationError as error:
        assert error.errors
        for path, messages in error.errors.items():
            assert isinstance(path, str)
            assert len(messages) == 1
            assert all(isinstance(message, str) and message for message in messages)
    else:
        assert isinstance(result, CaseFacts)
        assert parse_facts(facts_to_dict(result)) == result


@PROPERTY_SETTINGS
@given(json_like)
def test_parse_facts_answers_any_json_value_with_facts_or_a_validation_error(data):
    _assert_parses_or_reports(data)


@PROPERTY_SETTINGS
@given(st.dictionaries(st.sampled_from([*BASE_CASE, "other"]), json_like, max_size=9))
def test_parse_facts_answers_any_sections_with_facts_or_a_validation_error(data):
    _assert_parses_or_reports(data)


@PROPERTY_SETTINGS
@given(st.sampled_from(BASE_PATHS), json_like)
def test_parse_facts_answers_one_replaced_field_with_facts_or_a_validation_error(path, value):
    _assert_parses_or_reports(with_value(BASE_CASE, path, value))


def _whole(low, high):
    # An integer field takes whole floats too (3.0 is read as 3).
    return st.integers(low, high) | st.integers(low, high).map(float)


def _real(low, high=None, exclude_low=False):
    floats = st.floats(low, high, exclude_min=exclude_low, allow_nan=False, allow_infinity=False)
    integers = st.integers(low + 1 if exclude_low else low, 10**6 if high is None else high)
    return floats | integers


def _put_optional(draw, target, key, values):
    # An optional field may be absent, null or given.
    how = draw(st.sampled_from(["absent", "null", "given"]))
    if how == "null":
        target[key] = None
    elif how == "given":
        target[key] = draw(values)


@st.composite
def valid_cases(draw):
    case = {}
    ecog = draw(_whole(0, 4))
    patient = {"age": draw(_whole(18, 110)), "ecog": ecog}
    fitness = st.just("unfit") if ecog == 4 else st.sampled_from(SURGICAL_FITNESS)
    _put_optional(draw, patient, "surgical_fitness", fitness)
    _put_optional(draw, patient, "declines_surgery", st.booleans())
    case["patient"] = patient

    in_situ = draw(st.booleans())
    primary = {"site": draw(st.sampled_from(PRIMARY_SITES)), "in_situ": in_situ}
    if in_situ:
        symptoms = st.lists(st.sampled_from(SYMPTOMS), unique=True)
        _put_optional(draw, primary, "symptoms", symptoms)
    else:
        _put_optional(draw, primary, "symptoms", st.just([]))
    _put_optional(draw, primary, "node_positive", st.none() | st.booleans())
    case["primary"] = primary

    timing = draw(st.sampled_from(TIMINGS))
    presentation = {"timing": timing}
    if timing == "metachronous":
        _put_optional(draw, presentation, "disease_free_interval_months", _real(0) | st.none())
        _put_optional(draw, presentation, "prior_hepatectomy", st.booleans())
    else:
        _put_optional(draw, presentation, "prior_hepatectomy", st.just(False))
    case["presentation"] = presentation

    biomarkers = {}
    _put_optional(draw, biomarkers, "ras", st.sampled_from(RAS_STATUSES))
    _put_optional(draw, biomarkers, "braf_v600e", st.sampled_from(BRAF_STATUSES))
    _put_optional(draw, biomarkers, "msi", st.sampled_from(MSI_STATUSES))
    _put_optional(draw, biomarkers, "cea_ng_ml", _real(0))
    if draw(st.booleans()):
        case["biomarkers"] = biomarkers

    lesions = []
    for _ in range(draw(st.integers(1, 8))):
        lesion = {"segment": draw(_whole(1, 8)), "size_mm": draw(_real(0, 300, exclude_low=True))}
        for flag in ("near_major_vessel", "peribiliary", "subcapsular_or_dome", "disappeared"):
            _put_optional(draw, lesion, flag, st.booleans())
        lesions.append(lesion)
    liver = {"lesions": lesions}
    _put_optional(draw, liver, "hepatic_veins_involved", _whole(0, 3))
    _put_optional(draw, liver, "both_portal_pedicles_involved", st.booleans())
    _put_optional(draw, liver, "flr_percent", _real(0, 100))
    _put_optional(draw, liver, "parenchyma", st.sampled_from(PARENCHYMA))
    _put_optional(draw, liver, "r0_feasible", st.booleans())
    case["liver"] = liver

    site_names = draw(st.lists(st.sampled_from(EXTRAHEPATIC_SITES), unique=True, max_size=4))
    sites = [{"site": name, "resectable": draw(st.booleans())} for name in site_names]
    case["extrahepatic"] = {"sites": sites}

    lines = draw(_whole(0, 10))
    cycles = draw(_whole(0, 50))
    treatment = {"prior_systemic_lines": lines, "preoperative_cycles": cycles}
    if cycles:
        _put_optional(draw, treatment, "latest_response", st.sampled_from(RESPONSES))
    if lines or cycles:
        _put_optional(draw, treatment, "chemo_refractory", st.booleans())
    case["treatment"] = treatment

    workup = {}
    for flag in ("mri_hepatospecific_done", "pet_ct_done", "colonoscopy_within_6_months"):
        _put_optional(draw, workup, flag, st.booleans())
    case["workup"] = workup
    return case


@PROPERTY_SETTINGS
@given(valid_cases())
def test_parse_facts_accepts_generated_valid_cases_and_round_trips_them(case):
    facts = parse_facts(case)
    canonical = facts_to_dict(facts)
    assert parse_facts(canonical) == facts
    assert parse_facts(json.loads(json.dumps(canonical))) == facts
    _assert_given_values_kept_numerically(case, canonical)


def _assert_given_values_kept_numerically(given, canonical):
    if isinstance(given, dict):
        for key, value in given.items():
            if value is not None:
                _assert_given_values_kept_numerically(value, canonical[key])
    elif isinstance(given, list) and given and isinstance(given[0], dict):
        for given_item, canonical_item in zip(given, canonical, strict=True):
            _assert_given_values_kept_numerically(given_item, canonical_item)
    elif isinstance(given, list):
        assert set(given) == set(canonical)
    else:
        assert given == canonical


def test_facts_module_defines_the_range_constants_used_by_the_models():
    ranges = {
        "AGE": (18, 110),
        "ECOG": (0, 4),
        "SEGMENT": (1, 8),
        "LESIONS": (1, 50),
        "HEPATIC_VEINS": (0, 3),
        "FLR": (0, 100),
        "PRIOR_LINES": (0, 10),
        "CYCLES": (0, 50),
    }
    for name, bounds in ranges.items():
        assert (
            getattr(facts_module, f"{name}_MIN"),
            getattr(facts_module, f"{name}_MAX"),
        ) == bounds
    assert (facts_module.LESION_SIZE_MIN_MM, facts_module.LESION_SIZE_MAX_MM) == (0, 300)
