"""Properties of the pathway over generated valid inputs (Hypothesis).

The strategy generates input dicts, not facts, and each test parses them with `parse_facts`, so
it is honest: an input breaking a rule of SPEC section 1 would fail the test, not be skipped.
Values lean towards the SPEC's boundaries (20/30/50 mm, FLR 20/30/40, 4/6/12 cycles, Fong
criteria) so that the rarer plans and codes come up in a couple of hundred examples.
"""

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.pathways.crlm_2026_1 import derived as d
from apps.pathways.crlm_2026_1.catalogue import CATALOGUE
from apps.pathways.facts import (
    BRAF_STATUSES,
    EXTRAHEPATIC_SITES,
    MSI_STATUSES,
    PARENCHYMA,
    PRIMARY_SITES,
    RAS_STATUSES,
    RESPONSES,
    SYMPTOMS,
)
from apps.pathways.result import RESECTABILITY, ROLES, result_to_dict
from tests.pathways.crlm_2026_1.version import (
    evaluate,
    evaluate_input,
    facts_to_dict,
    parse_facts,
)
from tests.pathways.spec_text import SPEC_CITATIONS

# A fixed set of generated cases in the suite (a run on a clean clone gives the same answer);
# explore further with e.g. PATHWAY_PROPERTY_EXAMPLES=20000, which also draws new cases.
EXPLORE = os.environ.get("PATHWAY_PROPERTY_EXAMPLES")
PROPERTIES = settings(
    max_examples=int(EXPLORE or 200),
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

HEPATECTOMY_CODES = {"HEPATECTOMY", "REPEAT_HEPATECTOMY"}
REGIMENS = {
    "IMMUNE_CHECKPOINT_INHIBITOR",
    "FLUOROPYRIMIDINE_BEVACIZUMAB",
    "FOLFOXIRI_BEVACIZUMAB",
    "DOUBLET_ANTI_EGFR",
    "DOUBLET_BEVACIZUMAB",
}
BEVACIZUMAB_REGIMENS = {
    "DOUBLET_BEVACIZUMAB",
    "FOLFOXIRI_BEVACIZUMAB",
    "FLUOROPYRIMIDINE_BEVACIZUMAB",
}
MODALITY_CODES = {"RFA", "MWA", "SBRT"}


# --- the strategy ---------------------------------------------------------------------------------


def _maybe(draw, target: dict, key: str, values) -> None:
    """An optional field is absent, null (its default) or given."""
    how = draw(st.sampled_from(["absent", "null", "given", "given"]))
    if how == "null":
        target[key] = None
    elif how == "given":
        target[key] = draw(values)


def _rarely_true():
    return st.sampled_from([False, False, False, True])


SIZES_MM = st.sampled_from([5, 10, 15, 20, 20.1, 25, 28, 30, 30.1, 35, 45, 50, 50.1, 60, 300]) | (
    st.floats(0, 300, exclude_min=True, allow_nan=False)
)
FLR_PERCENTS = st.sampled_from([0, 10, 15, 19.9, 20, 25, 29.9, 30, 35, 39.9, 40, 65, 100]) | (
    st.floats(0, 100, allow_nan=False)
)
INTERVALS = st.sampled_from([0, 6, 11.9, 12, 30]) | st.floats(0, 240, allow_nan=False)
CEA = st.sampled_from([0, 10, 200, 200.1, 900]) | st.floats(0, 5000, allow_nan=False)
CYCLES = st.sampled_from([0, 0, 2, 3, 4, 6, 7, 11, 12, 50]) | st.integers(0, 50)


@st.composite
def lesion_inputs(draw) -> dict:
    lesion = {"segment": draw(st.integers(1, 8)), "size_mm": draw(SIZES_MM)}
    for flag in ("near_major_vessel", "peribiliary", "subcapsular_or_dome", "disappeared"):
        _maybe(draw, lesion, flag, _rarely_true())
    return lesion


@st.composite
def valid_inputs(draw) -> dict:
    """A valid SPEC section 1 input: every consistency rule holds by construction."""
    ecog = draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4]))
    patient: dict = {"age": draw(st.sampled_from([18, 45, 70, 71, 110]) | st.integers(18, 110))}
    patient["ecog"] = ecog
    fitness = st.just("unfit") if ecog == 4 else st.sampled_from(["fit", "fit", "unfit"])
    _maybe(draw, patient, "surgical_fitness", fitness)
    _maybe(draw, patient, "declines_surgery", _rarely_true())

    in_situ = draw(st.booleans())
    primary: dict = {"site": draw(st.sampled_from(PRIMARY_SITES)), "in_situ": in_situ}
    if in_situ:
        _maybe(draw, primary, "symptoms", st.lists(st.sampled_from(SYMPTOMS), unique=True))
    _maybe(draw, primary, "node_positive", st.booleans())

    timing = draw(st.sampled_from(["synchronous", "metachronous"]))
    presentation: dict = {"timing": timing}
    if timing == "metachronous":
        _maybe(draw, presentation, "disease_free_interval_months", INTERVALS)
        _maybe(draw, presentation, "prior_hepatectomy", _rarely_true())

    biomarkers: dict = {}
    _maybe(draw, biomarkers, "ras", st.sampled_from(RAS_STATUSES))
    _maybe(draw, biomarkers, "braf_v600e", st.sampled_from(BRAF_STATUSES))
    _maybe(draw, biomarkers, "msi", st.sampled_from(MSI_STATUSES))
    _maybe(draw, biomarkers, "cea_ng_ml", CEA)

    count = draw(st.sampled_from([1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 12, 50]))
    liver: dict = {"lesions": draw(st.lists(lesion_inputs(), min_size=count, max_size=count))}
    _maybe(draw, liver, "hepatic_veins_involved", st.sampled_from([0, 0, 0, 0, 1, 2, 3]))
    _maybe(draw, liver, "both_portal_pedicles_involved", _rarely_true())
    _maybe(draw, liver, "flr_percent", FLR_PERCENTS)
    _maybe(draw, liver, "parenchyma", st.sampled_from(PARENCHYMA))
    _maybe(draw, liver, "r0_feasible", st.sampled_from([True, True, True, False]))

    names = []
    if draw(st.sampled_from([False, False, False, True])):
        names = draw(
            st.lists(st.sampled_from(EXTRAHEPATIC_SITES), unique=True, min_size=1, max_size=3)
        )
    resectable = st.sampled_from([True, True, False])
    extrahepatic = {"sites": [{"site": name, "resectable": draw(resectable)} for name in names]}

    lines = draw(st.sampled_from([0, 0, 1, 3]) | st.integers(0, 10))
    cycles = draw(CYCLES)
    treatment: dict = {"prior_systemic_lines": lines, "preoperative_cycles": cycles}
    if cycles:
        _maybe(draw, treatment, "latest_response", st.sampled_from(RESPONSES))
    if lines or cycles:
        _maybe(draw, treatment, "chemo_refractory", _rarely_true())

    workup: dict = {}
    for flag in ("mri_hepatospecific_done", "pet_ct_done", "colonoscopy_within_6_months"):
        _maybe(draw, workup, flag, st.booleans())

    data = {
        "patient": patient,
        "primary": primary,
        "presentation": presentation,
        "liver": liver,
        "extrahepatic": extrahepatic,
        "treatment": treatment,
    }
    # Optional sections may be absent altogether.
    if draw(st.sampled_from([True, True, True, False])):
        data["biomarkers"] = biomarkers
    if draw(st.sampled_from([True, True, True, False])):
        data["workup"] = workup
    return data


# --- an independent reading of the SPEC, for the oracle properties --------------------------------


class Reading:
    """The SPEC's derived values for `facts`, from the (separately tested) derived functions."""

    def __init__(self, facts) -> None:
        self.facts = facts
        lesions = facts.liver.lesions
        self.segments = d.segments_involved(lesions)
        self.count = len(lesions)
        self.major = len(self.segments) >= 3
        self.extensive = self.count >= 6 or len(self.segments) >= 5
        self.candidate = d.surgical_candidate(facts)
        self.injured = d.liver_injury(facts)
        self.ehd = d.ehd_class(facts.extrahepatic.sites, self.count, facts.patient.ecog)
        self.technical = d.technically_unresectable(facts.liver, self.segments)
        self.flr = d.flr_assessment(facts.liver, self.injured)
        self.fong = d.fong_score(facts)
        self.symptomatic = facts.primary.in_situ and bool(facts.primary.symptoms)
        self.right_sided = facts.primary.site == "right_colon"
        r0 = facts.liver.r0_feasible
        if self.ehd == "unresectable" or not self.candidate:
            self.resectability = "unresectable"
        elif self.technical or self.flr.sufficient is False or (r0 is None and self.extensive):
            self.resectability = "potentially_resectable"
        else:
            self.resectability = "resectable"
        treatment = facts.treatment
        if facts.patient.ecog == 4:
            self.plan = "4.0"
        elif treatment.chemo_refractory and self.resectability != "resectable":
            self.plan = "4.1"
        elif treatment.latest_response == "progressive" and not treatment.chemo_refractory:
            self.plan = "4.2"
        else:
            self.plan = {
                "resectable": "4.3",
                "potentially_resectable": "4.4",
                "unresectable": "4.5",
            }[self.resectability]

    def regimen(self, *, conversion: bool) -> str:
        facts = self.facts
        markers = facts.biomarkers
        if markers.msi == "msi_high":
            return "IMMUNE_CHECKPOINT_INHIBITOR"
        if facts.patient.ecog == 3:
            return "FLUOROPYRIMIDINE_BEVACIZUMAB"
        if (
            conversion
            and facts.treatment.prior_systemic_lines == 0
            and facts.patient.age <= 70
            and facts.patient.ecog <= 1
            and self.ehd == "none"
            and (self.right_sided or markers.ras == "mutant" or markers.braf_v600e == "present")
        ):
            return "FOLFOXIRI_BEVACIZUMAB"
        if markers.ras == "wild_type" and markers.braf_v600e == "absent" and not self.right_sided:
            return "DOUBLET_ANTI_EGFR"
        return "DOUBLET_BEVACIZUMAB"

    def warnings(self, codes: set[str], lesion_plan) -> set[str]:
        """SPEC section 5, given the recommendation codes."""
        if self.plan == "4.0":
            return set()
        facts = self.facts
        markers = facts.biomarkers
        not_unresectable = self.resectability != "unresectable"
        hepatectomy = bool(codes & HEPATECTOMY_CODES)
        borderline = d.flr_borderline(facts.liver, self.injured)
        conditions = {
            "PROGRESSION_ON_CHEMOTHERAPY": facts.treatment.latest_response == "progressive",
            "R0_NOT_ASSESSED": self.resectability == "resectable"
            and facts.liver.r0_feasible is None,
            "FLR_NOT_MEASURED": self.resectability == "resectable"
            and facts.liver.flr_percent is None
            and self.major,
            "FLR_BORDERLINE": borderline and hepatectomy,
            "FONG_INCOMPLETE": not self.fong.complete and not_unresectable,
            "TWO_STAGE_DROPOUT_RISK": "TWO_STAGE_HEPATECTOMY" in codes,
            "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY": "STAGED_RESECTION" in codes,
            "NO_UPFRONT_PRIMARY_RESECTION": "CONVERSION_CHEMOTHERAPY" in codes
            and facts.primary.in_situ
            and not facts.primary.symptoms,
            "NO_REGIONAL_LIVER_THERAPY_WITH_EHD": self.ehd == "unresectable",
            "SIRT_NOT_FIRST_LINE": self.plan == "4.5"
            and "LOCAL_ABLATIVE_THERAPY" not in codes
            and self.ehd == "none"
            and facts.treatment.prior_systemic_lines == 0,
            "NO_ANTI_EGFR_RIGHT_SIDED": self.right_sided and markers.ras != "mutant",
            "NO_CETUXIMAB_PERIOPERATIVE": markers.ras == "wild_type"
            and "PERIOPERATIVE_CHEMOTHERAPY" in codes,
            "ANTI_EGFR_NEEDS_RAS_BRAF": "unknown" in (markers.ras, markers.braf_v600e)
            and self.resectability != "resectable",
            "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY": bool(codes & BEVACIZUMAB_REGIMENS)
            and facts.primary.in_situ
            and bool({"bleeding", "perforation"} & set(facts.primary.symptoms)),
            "CHEMOTHERAPY_LIVER_INJURY": self.injured and not_unresectable,
            "RAS_MUTANT_MARGIN": markers.ras == "mutant"
            and (hepatectomy or "TWO_STAGE_HEPATECTOMY" in codes),
            "DISAPPEARING_METASTASES": any(lesion.disappeared for lesion in facts.liver.lesions),
            "DOME_LESION_APPROACH": any(
                lesion.subcapsular_or_dome and entry.modalities[:1] == ("RFA",)
                for lesion, entry in zip(facts.liver.lesions, lesion_plan, strict=False)
            ),
        }
        return {code for code, holds in conditions.items() if holds}

    def workup(self, codes: set[str]) -> set[str]:
        """SPEC section 6, given the recommendation codes."""
        if self.plan == "4.0":
            return set()
        facts = self.facts
        done = facts.workup
        markers = facts.biomarkers
        not_unresectable = self.resectability != "unresectable"
        conditions = {
            "MRI_LIVER_HEPATOSPECIFIC": not done.mri_hepatospecific_done
            and (not_unresectable or "LOCAL_ABLATIVE_THERAPY" in codes),
            "PET_CT": not done.pet_ct_done and not_unresectable,
            "COLONOSCOPY": not facts.primary.in_situ
            and not done.colonoscopy_within_6_months
            and self.candidate,
            "MOLECULAR_TESTING": "unknown" in (markers.ras, markers.braf_v600e, markers.msi),
            "CT_VOLUMETRY": facts.liver.flr_percent is None and self.major and not_unresectable,
            "HPB_SURGICAL_REVIEW": facts.liver.r0_feasible is None and self.candidate,
            "LIVER_FUNCTION_TEST_ICG": (self.injured or facts.liver.parenchyma == "cirrhosis")
            and not_unresectable,
            "STAGING_LAPAROSCOPY": not_unresectable
            and any(entry.site == "peritoneum" for entry in facts.extrahepatic.sites),
            "RESTAGING_IMAGING": facts.treatment.preoperative_cycles >= 4
            and facts.treatment.latest_response is None,
        }
        return {code for code, holds in conditions.items() if holds}


def _evaluated(data):
    facts = parse_facts(data)  # the strategy must only make valid inputs
    return facts, evaluate(facts)


def _roles(result) -> dict[str, str]:
    return {item.code: item.role for item in result.recommendations}


# --- properties -----------------------------------------------------------------------------------


@PROPERTIES
@given(valid_inputs())
def test_evaluate_accepts_every_valid_input_and_gives_exactly_one_primary(data):
    _, result = _evaluated(data)
    primaries = [item for item in result.recommendations if item.role == "primary"]
    assert len(primaries) == 1
    assert result.primary is primaries[0]
    assert evaluate_input(data) == result


@PROPERTIES
@given(valid_inputs())
def test_evaluate_gives_each_code_once_with_a_valid_role_and_kind(data):
    _, result = _evaluated(data)
    for group, kind in (
        (result.recommendations, "recommendation"),
        (result.warnings, "warning"),
        (result.workup, "workup"),
    ):
        codes = [item.code for item in group]
        assert len(codes) == len(set(codes)), codes
        for code in codes:
            assert CATALOGUE[code].kind == kind, code
    assert {item.role for item in result.recommendations} <= set(ROLES)


@PROPERTIES
@given(valid_inputs())
def test_evaluate_cites_the_catalogue_and_explains_every_item(data):
    _, result = _evaluated(data)
    for item in result.recommendations:
        assert item.citations == CATALOGUE[item.code].citations
        assert item.title == CATALOGUE[item.code].title
        assert item.rationale.strip(), item.code
    for item in (*result.warnings, *result.workup):
        assert item.citations == CATALOGUE[item.code].citations
        assert item.message.strip(), item.code
    for item in (*result.recommendations, *result.warnings, *result.workup):
        pairs = tuple((citation.source, citation.section) for citation in item.citations)
        assert pairs == SPEC_CITATIONS[item.code], item.code


@PROPERTIES
@given(valid_inputs())
def test_lesion_plan_lists_every_lesion_in_order_exactly_when_ablation_is_recommended(data):
    facts, result = _evaluated(data)
    codes = _roles(result)
    if "LOCAL_ABLATIVE_THERAPY" not in codes:
        assert result.lesion_plan == ()
        assert not MODALITY_CODES & set(codes)
        return
    assert [(entry.segment, entry.size_mm) for entry in result.lesion_plan] == [
        (lesion.segment, lesion.size_mm) for lesion in facts.liver.lesions
    ]
    for entry, lesion in zip(result.lesion_plan, facts.liver.lesions, strict=True):
        assert tuple(entry.modalities) == tuple(d.ablation_modalities(lesion))
        assert entry.modalities, "a lesion planned for ablation must be ablatable"
    firsts = {entry.modalities[0] for entry in result.lesion_plan}
    if result.derived.plan == "4.5":
        assert {code for code in codes if code in MODALITY_CODES} == firsts
        assert all(codes[code] == "adjunct" for code in firsts)
    else:  # 4.4: ablation as an alternative, without modality codes
        assert result.derived.plan == "4.4"
        assert codes["LOCAL_ABLATIVE_THERAPY"] == "alternative"
        assert not MODALITY_CODES & set(codes)


@PROPERTIES
@given(valid_inputs())
def test_ecog_4_gives_best_supportive_care_only_and_no_warning_or_workup(data):
    data["patient"]["ecog"] = 4
    data["patient"]["surgical_fitness"] = None
    facts, result = _evaluated(data)
    expected = {"BEST_SUPPORTIVE_CARE": "primary"}
    if facts.primary.in_situ and facts.primary.symptoms:
        expected["PRIMARY_PALLIATION"] = "sequence"
    assert _roles(result) == expected
    assert result.warnings == ()
    assert result.workup == ()
    assert result.lesion_plan == ()
    assert result.derived.plan == "4.0"


@PROPERTIES
@given(valid_inputs())
def test_resectability_and_plan_follow_sections_3_and_4(data):
    facts, result = _evaluated(data)
    reading = Reading(facts)
    assert result.resectability in RESECTABILITY
    assert result.surgical_candidate is reading.candidate
    if not result.surgical_candidate or reading.ehd == "unresectable":
        assert result.resectability == "unresectable"
    assert result.resectability == reading.resectability
    assert result.derived.plan == reading.plan


@PROPERTIES
@given(valid_inputs())
def test_result_derived_values_are_those_of_the_derived_functions(data):
    facts, result = _evaluated(data)
    reading = Reading(facts)
    derived = result.derived
    assert derived.lesion_count == reading.count
    assert derived.largest_lesion_mm == max(lesion.size_mm for lesion in facts.liver.lesions)
    assert tuple(derived.segments) == reading.segments
    assert derived.bilobar is d.is_bilobar(reading.segments)
    assert derived.major_hepatectomy_expected is reading.major
    assert derived.extensive_liver_disease is reading.extensive
    assert derived.ehd == reading.ehd
    assert derived.technically_unresectable is reading.technical
    assert derived.liver_injury is reading.injured
    assert result.fong == reading.fong
    assert result.flr == reading.flr


@PROPERTIES
@given(valid_inputs())
def test_warnings_and_workup_are_exactly_those_of_sections_5_and_6(data):
    facts, result = _evaluated(data)
    reading = Reading(facts)
    codes = set(_roles(result))
    assert {item.code for item in result.warnings} == reading.warnings(codes, result.lesion_plan)
    assert {item.code for item in result.workup} == reading.workup(codes)


@PROPERTIES
@given(valid_inputs())
def test_recommendations_keep_the_cross_plan_rules_of_section_4(data):
    facts, result = _evaluated(data)
    reading = Reading(facts)
    codes = _roles(result)
    plan = result.derived.plan
    # the primary step
    if reading.symptomatic:
        step = "PRIMARY_PALLIATION" if result.resectability == "unresectable" else "PRIMARY_FIRST"
        assert codes.get(step) == "sequence"
        assert result.recommendations[0].code == step
    assert not ({"PRIMARY_FIRST", "PRIMARY_PALLIATION"} - {step if reading.symptomatic else ""}) & (
        set(codes)
    )
    # the hepatectomy code
    wrong = "HEPATECTOMY" if facts.presentation.prior_hepatectomy else "REPEAT_HEPATECTOMY"
    assert wrong not in codes
    # reassessment is for surgical candidates, and always given to them in 4.1, 4.2 and 4.5
    if "REASSESS_RESECTABILITY" in codes:
        assert result.surgical_candidate
        assert codes["REASSESS_RESECTABILITY"] == "monitoring"
    if plan in {"4.1", "4.2", "4.5"}:
        assert ("REASSESS_RESECTABILITY" in codes) is result.surgical_candidate
    # the regimen of 4.6: in the conversion plan and in 4.5's systemic therapy, nowhere else
    regimens = [code for code in codes if code in REGIMENS]
    if "CONVERSION_CHEMOTHERAPY" in codes:
        assert regimens == [reading.regimen(conversion=True)]
    elif "SYSTEMIC_THERAPY" in codes:
        assert regimens == [reading.regimen(conversion=False)]
    else:
        assert regimens == []
    # no adjuvant chemotherapy after refractory disease or a full course
    if facts.treatment.chemo_refractory or facts.treatment.preoperative_cycles >= 12:
        assert "ADJUVANT_CHEMOTHERAPY" not in codes


@PROPERTIES
@given(valid_inputs())
def test_trace_mentions_the_plan_and_every_returned_code(data):
    _, result = _evaluated(data)
    assert result.trace
    plan_lines = [line for line in result.trace if line.rule == "plan"]
    assert len(plan_lines) == 1
    assert plan_lines[0].result == result.derived.plan
    assert any(
        line.rule == "resectability" and line.result == result.resectability
        for line in result.trace
    )
    rules = {line.rule for line in result.trace}
    assert result.codes <= rules
    for line in result.trace:
        assert line.rule.strip() and line.because.strip()


@PROPERTIES
@given(valid_inputs())
def test_result_to_dict_is_json_and_round_trips(data):
    _, result = _evaluated(data)
    output = result_to_dict(result)
    text = json.dumps(output, allow_nan=False)
    assert json.loads(text) == output
    assert set(output) == {
        "pathway_version",
        "resectability",
        "surgical_candidate",
        "derived",
        "fong",
        "flr",
        "recommendations",
        "lesion_plan",
        "warnings",
        "workup",
        "trace",
    }
    assert output["pathway_version"] == "crlm-2026.1"
    assert output["derived"]["plan"] == result.derived.plan
    assert [item["code"] for item in output["recommendations"]] == [
        item.code for item in result.recommendations
    ]
    assert set(output["fong"]["criteria"]) == {
        "dfi_under_12_months",
        "multiple_lesions",
        "largest_over_50_mm",
        "node_positive",
        "cea_over_200",
    }
    assert output["fong"]["missing"] == [
        key for key, value in output["fong"]["criteria"].items() if value is None
    ]


@PROPERTIES
@given(valid_inputs())
def test_evaluate_is_deterministic_and_ignores_how_the_input_was_written(data):
    facts, result = _evaluated(data)
    assert evaluate(facts) == result
    assert evaluate(parse_facts(facts_to_dict(facts))) == result
    assert evaluate(parse_facts(json.loads(json.dumps(facts_to_dict(facts))))) == result
