"""The input of crlm-2027.1 (its SPEC section 1): the four new fields, the three new consistency
rules, what crlm-2026.1's input makes of the new fields, the JSON schema, and the two readers
(msgspec's fast one and the thorough one) giving the same answer on any body."""

import copy
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.pathways import facts as facts_module
from apps.pathways.facts import (
    INPUT_2026_1,
    INPUT_2027_1,
    FactsValidationError,
    facts_json_schema,
    facts_to_dict,
    parse_facts,
)
from tests.conftest import EXAMPLES, EXAMPLES_2027

BASE = {
    "patient": {"age": 60, "ecog": 1},
    "primary": {"site": "left_colon", "in_situ": False, "symptoms": [], "node_positive": True},
    "presentation": {"timing": "metachronous", "disease_free_interval_months": 8},
    "biomarkers": {"ras": "wild_type", "braf_v600e": "absent", "msi": "mss", "cea_ng_ml": 10},
    "liver": {
        "lesions": [{"segment": 6, "size_mm": 30}, {"segment": 2, "size_mm": 18}],
        "flr_percent": 45,
        "r0_feasible": True,
        "planned_resection": "minor",
    },
    "treatment": {
        "prior_systemic_lines": 0,
        "preoperative_cycles": 4,
        "latest_response": "partial",
        "bevacizumab_in_course": True,
        "adjuvant_oxaliplatin": True,
        "prior_immunotherapy": False,
    },
}


def with_value(case: dict, path: str, value) -> dict:
    changed = copy.deepcopy(case)
    *parents, last = path.split(".")
    target = changed
    for name in parents:
        target = target.setdefault(name, {})
    target[last] = value
    return changed


def errors_of(case, version: str = "crlm-2027.1") -> dict[str, list[str]]:
    with pytest.raises(FactsValidationError) as raised:
        parse_facts(case, version)
    return raised.value.errors


def test_new_fields_are_read_with_their_values():
    facts = parse_facts(BASE)
    assert facts.liver.planned_resection == "minor"
    assert facts.treatment.bevacizumab_in_course is True
    assert facts.treatment.adjuvant_oxaliplatin is True
    assert facts.treatment.prior_immunotherapy is False


def test_new_fields_default_when_absent_or_null():
    case = copy.deepcopy(BASE)
    del case["liver"]["planned_resection"]
    case["treatment"]["bevacizumab_in_course"] = None
    del case["treatment"]["adjuvant_oxaliplatin"]
    facts = parse_facts(case)
    assert facts.liver.planned_resection is None
    assert facts.treatment.bevacizumab_in_course is False
    assert facts.treatment.adjuvant_oxaliplatin is False


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("liver.planned_resection", "hemihepatectomy"),
        ("liver.planned_resection", True),
        ("liver.planned_resection", "Major"),
        ("treatment.bevacizumab_in_course", "yes"),
        ("treatment.bevacizumab_in_course", 1),
        ("treatment.adjuvant_oxaliplatin", 0),
        ("treatment.prior_immunotherapy", "false"),
    ],
)
def test_a_new_field_of_the_wrong_type_or_value_is_refused_under_its_path(path, value):
    assert set(errors_of(with_value(BASE, path, value))) == {path}


def test_adjuvant_oxaliplatin_with_synchronous_timing_is_refused():
    case = with_value(BASE, "presentation.timing", "synchronous")
    case["presentation"]["disease_free_interval_months"] = None
    assert set(errors_of(case)) == {"treatment.adjuvant_oxaliplatin"}


def test_prior_immunotherapy_without_any_systemic_treatment_is_refused():
    case = with_value(BASE, "treatment.prior_immunotherapy", True)
    case["treatment"].update(preoperative_cycles=0, latest_response=None)
    errors = errors_of(case)
    assert set(errors) == {"treatment.prior_immunotherapy"}
    assert "adjuvant oxaliplatin is not a line" in errors["treatment.prior_immunotherapy"][0]
    # A prior line, or cycles of the current course, make it possible.
    assert parse_facts(with_value(case, "treatment.prior_systemic_lines", 1))
    assert parse_facts(with_value(case, "treatment.preoperative_cycles", 2))


def test_a_disappeared_lesion_without_chemotherapy_is_refused_under_each_such_lesion():
    case = copy.deepcopy(BASE)
    case["treatment"] = {"preoperative_cycles": 0, "prior_systemic_lines": 0}
    case["liver"]["lesions"] = [
        {"segment": 6, "size_mm": 30, "disappeared": True},
        {"segment": 2, "size_mm": 18},
        {"segment": 7, "size_mm": 12, "disappeared": True},
    ]
    assert set(errors_of(case)) == {
        "liver.lesions[0].disappeared",
        "liver.lesions[2].disappeared",
    }
    assert parse_facts(with_value(case, "treatment.prior_systemic_lines", 1))


def test_the_disappeared_rule_checks_a_lesion_whose_other_fields_are_wrong():
    case = copy.deepcopy(BASE)
    case["treatment"] = {}
    case["liver"]["lesions"] = [{"segment": 9, "size_mm": 30, "disappeared": True}]
    assert set(errors_of(case)) == {"liver.lesions[0].segment", "liver.lesions[0].disappeared"}


def test_the_disappeared_rule_waits_for_valid_treatment_fields():
    case = copy.deepcopy(BASE)
    case["treatment"] = {"preoperative_cycles": -1}
    case["liver"]["lesions"] = [{"segment": 6, "size_mm": 30, "disappeared": True}]
    assert set(errors_of(case)) == {"treatment.preoperative_cycles"}


def test_crlm_2026_1_reads_the_new_fields_as_unknown_keys():
    errors = errors_of(BASE, "crlm-2026.1")
    assert set(errors) == {
        "liver.planned_resection",
        "treatment.bevacizumab_in_course",
        "treatment.adjuvant_oxaliplatin",
        "treatment.prior_immunotherapy",
    }
    assert errors["liver.planned_resection"] == ["Unknown field."]


def test_every_crlm_2026_1_example_is_valid_here_but_for_the_disappeared_rule():
    for name, document in EXAMPLES:
        case = document["case"]
        treatment = case.get("treatment") or {}
        untreated = not treatment.get("preoperative_cycles") and not treatment.get(
            "prior_systemic_lines"
        )
        disappeared = any(lesion.get("disappeared") for lesion in case["liver"]["lesions"])
        if untreated and disappeared:
            assert errors_of(case), name
        else:
            assert parse_facts(case) == parse_facts(case, "crlm-2026.1"), name


def test_canonical_output_has_the_new_fields_and_round_trips():
    written = facts_to_dict(parse_facts(BASE))
    assert written["liver"]["planned_resection"] == "minor"
    assert written["treatment"]["adjuvant_oxaliplatin"] is True
    assert list(written) == list(facts_module.SECTIONS)
    assert parse_facts(written) == parse_facts(BASE)
    old = facts_to_dict(parse_facts(EXAMPLES[0][1]["case"], "crlm-2026.1"), "crlm-2026.1")
    assert "planned_resection" not in old["liver"]
    assert "prior_immunotherapy" not in old["treatment"]


def test_schema_describes_the_new_fields_and_rules():
    schema = facts_json_schema()
    liver = schema["properties"]["liver"]["properties"]
    assert liver["planned_resection"]["enum"] == ["minor", "major"]
    assert liver["planned_resection"]["nullable"] is True
    treatment = schema["properties"]["treatment"]["properties"]
    assert treatment["adjuvant_oxaliplatin"]["default"] is False
    assert "Rule:" in treatment["prior_immunotherapy"]["description"]
    lesion = liver["lesions"]["items"]["properties"]
    assert "Rule:" in lesion["disappeared"]["description"]
    old = facts_json_schema("crlm-2026.1")
    assert "planned_resection" not in old["properties"]["liver"]["properties"]
    dfi = schema["properties"]["presentation"]["properties"]["disease_free_interval_months"]
    assert "maximum" not in dfi  # the finite bound is not a range the reader states


def test_annotations_state_the_ranges_of_the_named_constants():
    """The annotations hold literals (a type takes no expression); they say what the constants
    the models use say."""
    fields = INPUT_2027_1.spec.fields
    patient = fields["patient"].spec.fields
    assert (patient["age"].minimum, patient["age"].maximum) == (
        facts_module.AGE_MIN,
        facts_module.AGE_MAX,
    )
    assert (patient["ecog"].minimum, patient["ecog"].maximum) == (
        facts_module.ECOG_MIN,
        facts_module.ECOG_MAX,
    )
    liver = fields["liver"].spec.fields
    lesion = liver["lesions"].spec.fields
    assert (lesion["segment"].minimum, lesion["segment"].maximum) == (
        facts_module.SEGMENT_MIN,
        facts_module.SEGMENT_MAX,
    )
    assert (lesion["size_mm"].minimum, lesion["size_mm"].maximum) == (
        facts_module.LESION_SIZE_MIN_MM,
        facts_module.LESION_SIZE_MAX_MM,
    )
    assert (liver["lesions"].min_items, liver["lesions"].max_items) == (
        facts_module.LESIONS_MIN,
        facts_module.LESIONS_MAX,
    )
    assert liver["hepatic_veins_involved"].maximum == facts_module.HEPATIC_VEINS_MAX
    assert (liver["flr_percent"].minimum, liver["flr_percent"].maximum) == (
        facts_module.FLR_MIN,
        facts_module.FLR_MAX,
    )
    treatment = fields["treatment"].spec.fields
    assert treatment["prior_systemic_lines"].maximum == facts_module.PRIOR_LINES_MAX
    assert treatment["preoperative_cycles"].maximum == facts_module.CYCLES_MAX
    assert fields["primary"].spec.fields["symptoms"].choices == facts_module.SYMPTOMS


# --- the two readers agree -----------------------------------------------------------------------

ODD_VALUES = st.sampled_from(
    [None, True, False, 0, 1, 3.0, 2.5, -1, 1e400, math.nan, math.inf, "", "x", [], {}, [1]]
)


@st.composite
def mutated_bodies(draw):
    """A valid example, then a few of its values replaced, keys dropped, added or listed twice:
    bodies on both sides of every rule."""
    _name, document = draw(st.sampled_from(EXAMPLES_2027 + EXAMPLES))
    body = copy.deepcopy(document["case"])
    for _ in range(draw(st.integers(0, 3))):
        section = draw(st.sampled_from(list(facts_module.SECTIONS)))
        target = body.get(section)
        if not isinstance(target, dict):
            body[section] = draw(st.sampled_from([None, {}, []]))
            continue
        action = draw(st.sampled_from(["set", "drop", "add", "lesion", "dupe"]))
        keys = sorted(target)
        if action == "set" and keys:
            target[draw(st.sampled_from(keys))] = draw(ODD_VALUES)
        elif action == "drop" and keys:
            del target[draw(st.sampled_from(keys))]
        elif action == "add":
            target[draw(st.sampled_from(["planned_resection", "zzz", "disappeared"]))] = draw(
                st.sampled_from(["major", True, 1])
            )
        elif action == "lesion" and section == "liver" and isinstance(target.get("lesions"), list):
            lesions = target["lesions"]
            if lesions and isinstance(lesions[0], dict):
                lesions[0] = {**lesions[0], "disappeared": draw(st.booleans())}
            if draw(st.booleans()):
                lesions.append(draw(st.sampled_from([{"segment": 3, "size_mm": 10}, "x", {}])))
        elif action == "dupe" and section == "primary":
            target["symptoms"] = draw(
                st.sampled_from([["bleeding", "bleeding"], ["perforation", "obstruction"]])
            )
    return body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=mutated_bodies(), version=st.sampled_from(["crlm-2026.1", "crlm-2027.1"]))
def test_the_fast_and_the_thorough_reader_give_the_same_answer(body, version):
    spec = INPUT_2026_1 if version == "crlm-2026.1" else INPUT_2027_1

    def answer(read):
        try:
            return ("facts", read(body))
        except FactsValidationError as error:
            return ("errors", error.errors)

    thorough = answer(spec._thorough)
    assert answer(spec.parse) == thorough
    if thorough[0] == "facts":
        # Valid field by field: the fast reader read it itself (or left it to the other).
        fast = spec._fast(body)
        assert fast is None or fast == thorough[1]
