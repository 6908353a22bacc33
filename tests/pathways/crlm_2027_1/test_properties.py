"""Properties of crlm-2027.1 over generated valid inputs (Hypothesis).

The strategy generates input dicts that hold every consistency rule of SPEC section 1 by
construction (the new ones included), and each test parses them, so an input that broke a rule
would fail the test, not be skipped. Values lean towards the boundaries of this version (3
segments, 50 mm, 30 mm, 4 cycles, ECOG 2/3, 3/5 lesions, prior lines 0/1/2, a disappeared
lesion, DFI 12 with adjuvant oxaliplatin, MSI-high, BRAF V600E) so that the rarer plans and codes
come up. Some properties compare the engine with an independent reading of the SPEC's
conditions (sections 4 to 6), written here from the SPEC's text.
"""

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.pathways.common import derived as common
from apps.pathways.crlm_2027_1.catalogue import CATALOGUE, SEVERITY
from apps.pathways.facts import (
    BRAF_STATUSES,
    EXTRAHEPATIC_SITES,
    MSI_STATUSES,
    PARENCHYMA,
    PRIMARY_SITES,
    RAS_STATUSES,
    RESPONSES,
    SYMPTOMS,
    facts_to_dict,
    parse_facts,
)
from apps.pathways.registry import evaluate, evaluate_input
from apps.pathways.result import RESECTABILITY, ROLES, result_to_dict
from tests.pathways.reading import REPEATED_WORD, bracket_depth, sentences
from tests.pathways.spec_text import SPEC_2027_1

# A fixed set of generated cases in the suite (a run on a clean clone gives the same answer);
# explore further with e.g. PATHWAY_PROPERTY_EXAMPLES=20000, which also draws new cases.
EXPLORE = os.environ.get("PATHWAY_PROPERTY_EXAMPLES")
PROPERTIES = settings(
    max_examples=int(EXPLORE or 250),
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

HEPATECTOMY_CODES = {"HEPATECTOMY", "REPEAT_HEPATECTOMY"}
SURGERY_CODES = HEPATECTOMY_CODES | {"TWO_STAGE_HEPATECTOMY"}
OXALIPLATIN_REGIMENS = {"FOLFOXIRI_BEVACIZUMAB", "HAI_FUDR_WITH_SYSTEMIC"}
MODALITY_CODES = {"RFA", "MWA", "SBRT"}


def _maybe(draw, target: dict, key: str, values) -> None:
    how = draw(st.sampled_from(["absent", "null", "given", "given"]))
    if how == "null":
        target[key] = None
    elif how == "given":
        target[key] = draw(values)


def _rarely_true():
    return st.sampled_from([False, False, False, True])


SIZES_MM = st.sampled_from([5, 12, 20, 25, 30, 30.1, 35, 45, 50, 50.1, 60, 300]) | st.floats(
    0, 300, exclude_min=True, allow_nan=False
)
FLR_PERCENTS = st.sampled_from([10, 15, 19.9, 20, 25, 29.9, 30, 39.9, 40, 65])
INTERVALS = st.sampled_from([0, 6, 8, 11.9, 12, 30])
CYCLES = st.sampled_from([0, 0, 2, 3, 4, 4, 6, 7, 12])


@st.composite
def valid_inputs(draw) -> dict:
    ecog = draw(st.sampled_from([0, 0, 1, 1, 2, 2, 3, 3, 4]))
    patient: dict = {"age": draw(st.sampled_from([45, 70, 71, 76, 90])), "ecog": ecog}
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
    _maybe(draw, biomarkers, "cea_ng_ml", st.sampled_from([10, 200, 201]))

    lines = draw(st.sampled_from([0, 0, 1, 2, 3]))
    cycles = draw(CYCLES)
    treatment: dict = {"prior_systemic_lines": lines, "preoperative_cycles": cycles}
    if cycles:
        _maybe(draw, treatment, "latest_response", st.sampled_from(RESPONSES))
    treated = bool(lines or cycles)
    if treated:
        _maybe(draw, treatment, "chemo_refractory", _rarely_true())
        _maybe(draw, treatment, "prior_immunotherapy", _rarely_true())
    _maybe(draw, treatment, "bevacizumab_in_course", _rarely_true())
    if timing == "metachronous":
        _maybe(draw, treatment, "adjuvant_oxaliplatin", st.booleans())

    count = draw(st.sampled_from([1, 1, 2, 3, 3, 4, 5, 6, 8]))
    lesions = []
    for _ in range(count):
        lesion = {"segment": draw(st.integers(1, 8)), "size_mm": draw(SIZES_MM)}
        for flag in ("near_major_vessel", "peribiliary", "subcapsular_or_dome"):
            _maybe(draw, lesion, flag, _rarely_true())
        if treated:
            _maybe(draw, lesion, "disappeared", _rarely_true())
        lesions.append(lesion)
    liver: dict = {"lesions": lesions}
    _maybe(draw, liver, "hepatic_veins_involved", st.sampled_from([0, 0, 0, 1, 3]))
    _maybe(draw, liver, "both_portal_pedicles_involved", _rarely_true())
    _maybe(draw, liver, "flr_percent", FLR_PERCENTS)
    _maybe(draw, liver, "parenchyma", st.sampled_from(PARENCHYMA))
    _maybe(draw, liver, "r0_feasible", st.sampled_from([True, True, False]))
    _maybe(draw, liver, "planned_resection", st.sampled_from(["minor", "major"]))

    names = []
    if draw(st.sampled_from([False, False, True])):
        names = draw(
            st.lists(st.sampled_from(EXTRAHEPATIC_SITES), unique=True, min_size=1, max_size=2)
        )
    extrahepatic = {"sites": [{"site": name, "resectable": draw(st.booleans())} for name in names]}
    workup: dict = {}
    for flag in ("mri_hepatospecific_done", "pet_ct_done", "colonoscopy_within_6_months"):
        _maybe(draw, workup, flag, st.booleans())
    return {
        "patient": patient,
        "primary": primary,
        "presentation": presentation,
        "biomarkers": biomarkers,
        "liver": liver,
        "extrahepatic": extrahepatic,
        "treatment": treatment,
        "workup": workup,
    }


# --- an independent reading of sections 3 to 6 ----------------------------------------------------


class Reading:
    """What the SPEC says of `facts`, read from its text apart from the engine (the shared
    derived functions, tested on their own, give the values sections 2 and 3 share)."""

    def __init__(self, facts) -> None:
        self.facts = facts
        liver = facts.liver
        lesions = liver.lesions
        treatment = facts.treatment
        self.segments = common.segments_involved(lesions)
        self.count = len(lesions)
        self.largest = max(lesion.size_mm for lesion in lesions)
        self.visible = [lesion for lesion in lesions if not lesion.disappeared]
        if liver.planned_resection is not None:
            self.major = liver.planned_resection == "major"
        else:
            self.major = (
                len(self.segments) >= 3 or self.largest > 50 or liver.hepatic_veins_involved >= 1
            )
        self.candidate = common.surgical_candidate(facts)
        self.injured = common.liver_injury(facts)
        self.ehd = common.ehd_class(facts.extrahepatic.sites, self.count, facts.patient.ecog)
        self.flr = common.flr_assessment(liver, self.injured)
        self.borderline = common.flr_borderline(liver, self.injured)
        self.fong = common.fong_score(facts)
        extensive = self.count >= 6 or len(self.segments) >= 5
        technical = common.technically_unresectable(liver, self.segments)
        self.resectability = common.resectability(
            ehd=self.ehd,
            candidate=self.candidate,
            technically_unresectable=technical,
            flr_sufficient=self.flr.sufficient,
            r0_feasible=liver.r0_feasible,
            extensive=extensive,
        )
        dfi = common.disease_free_interval_months(facts)
        self.early_relapse = bool(treatment.adjuvant_oxaliplatin and dfi is not None and dfi < 12)
        self.immunotherapy = (
            facts.biomarkers.msi == "msi_high" and not treatment.prior_immunotherapy
        )
        ecog = facts.patient.ecog
        refractory = treatment.chemo_refractory
        if ecog == 4:
            self.plan = "4.0"
        elif ecog == 3 and (
            self.resectability == "unresectable"
            or (refractory and self.resectability != "resectable")
        ):
            self.plan = "4.0b"
        elif refractory and self.resectability != "resectable":
            self.plan = "4.1"
        elif treatment.latest_response == "progressive" and not refractory:
            # A refractory case that is resectable goes on to 4.3 (SPEC section 4, rule 4).
            self.plan = "4.2"
        else:
            self.plan = {
                "resectable": "4.3",
                "potentially_resectable": "4.4",
                "unresectable": "4.5",
            }[self.resectability]

    def warnings(self, result) -> set[str]:
        if self.plan == "4.0":
            return set()
        facts = self.facts
        markers = facts.biomarkers
        codes = {item.code for item in result.recommendations}
        roles = {item.code: item.role for item in result.recommendations}
        not_unresectable = self.resectability != "unresectable"
        hepatectomy = bool(codes & HEPATECTOMY_CODES)
        surgery = bool(codes & SURGERY_CODES)
        ablation_route = self.plan == "4.4" and roles.get("LOCAL_ABLATIVE_THERAPY") == "primary"
        lesions = facts.liver.lesions
        extent_matters = bool(
            codes & {"SIMULTANEOUS_RESECTION", "STAGED_RESECTION"}
            or facts.liver.flr_percent is None
            or self.borderline
        )
        conditions = {
            "PROGRESSION_ON_CHEMOTHERAPY": facts.treatment.latest_response == "progressive",
            "R0_NOT_ASSESSED": self.resectability == "resectable"
            and facts.liver.r0_feasible is None,
            "FLR_NOT_MEASURED": self.resectability == "resectable"
            and facts.liver.flr_percent is None
            and self.major,
            "FLR_BORDERLINE": self.borderline and hepatectomy,
            "FONG_INCOMPLETE": not self.fong.complete and not_unresectable,
            "TWO_STAGE_DROPOUT_RISK": "TWO_STAGE_HEPATECTOMY" in codes,
            "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY": "STAGED_RESECTION" in codes,
            "NO_UPFRONT_PRIMARY_RESECTION": self.plan == "4.4"
            and bool(codes & {"CONVERSION_CHEMOTHERAPY", "IMMUNE_CHECKPOINT_INHIBITOR"})
            and roles.get("CONVERSION_CHEMOTHERAPY", roles.get("IMMUNE_CHECKPOINT_INHIBITOR"))
            == "primary"
            and facts.primary.in_situ
            and not facts.primary.symptoms,
            "NO_REGIONAL_LIVER_THERAPY_WITH_EHD": self.ehd == "unresectable",
            "SIRT_NOT_FIRST_LINE": self.plan == "4.5"
            and "LOCAL_ABLATIVE_THERAPY" not in codes
            and self.ehd == "none"
            and facts.treatment.prior_systemic_lines == 0,
            "NO_ANTI_EGFR_RIGHT_SIDED": facts.primary.site == "right_colon"
            and markers.ras != "mutant"
            and "ENCORAFENIB_CETUXIMAB" not in codes,
            "NO_CETUXIMAB_PERIOPERATIVE": markers.ras == "wild_type"
            and "PERIOPERATIVE_CHEMOTHERAPY" in codes,
            "ANTI_EGFR_NEEDS_RAS_BRAF": "unknown" in (markers.ras, markers.braf_v600e)
            and self.resectability != "resectable",
            "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY": bool(
                codes & {"FOLFOXIRI_BEVACIZUMAB", "FLUOROPYRIMIDINE_BEVACIZUMAB"}
            )
            and facts.primary.in_situ
            and bool({"bleeding", "perforation"} & set(facts.primary.symptoms)),
            "CHEMOTHERAPY_LIVER_INJURY": self.injured and not_unresectable,
            "RAS_MUTANT_MARGIN": markers.ras == "mutant" and surgery,
            "DISAPPEARING_METASTASES": any(lesion.disappeared for lesion in lesions),
            "DOME_LESION_APPROACH": any(
                entry.modalities[:1] == ("RFA",) and lesion.subcapsular_or_dome
                for entry, lesion in _planned_lesions(result.lesion_plan, lesions)
            ),
            "RESECTION_EXTENT_ASSUMED": facts.liver.planned_resection is None
            and surgery
            and not ablation_route
            and extent_matters,
            "HAI_TOXICITY": "HAI_FUDR_WITH_SYSTEMIC" in codes,
            "CAUDATE_LESION": surgery and any(lesion.segment == 1 for lesion in lesions),
            "BEVACIZUMAB_INTERVAL": facts.treatment.bevacizumab_in_course and surgery,
            "OXALIPLATIN_EARLY_RELAPSE": self.early_relapse
            and bool(
                codes
                & {
                    "PERIOPERATIVE_CHEMOTHERAPY",
                    "ADJUVANT_CHEMOTHERAPY",
                    "DOUBLET_CHEMOTHERAPY",
                    "DOUBLET_ANTI_EGFR",
                    "DOUBLET_BEVACIZUMAB",
                }
            ),
        }
        return {code for code, holds in conditions.items() if holds}

    def workup(self, result, warnings: set[str]) -> set[str]:
        if self.plan == "4.0":
            return set()
        facts = self.facts
        done = facts.workup
        markers = facts.biomarkers
        codes = {item.code for item in result.recommendations}
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
            "HPB_SURGICAL_REVIEW": self.candidate
            and (facts.liver.r0_feasible is None or "RESECTION_EXTENT_ASSUMED" in warnings),
            "LIVER_FUNCTION_TEST_ICG": (self.injured or facts.liver.parenchyma == "cirrhosis")
            and not_unresectable,
            "STAGING_LAPAROSCOPY": not_unresectable
            and any(entry.site == "peritoneum" for entry in facts.extrahepatic.sites),
            "RESTAGING_IMAGING": facts.treatment.preoperative_cycles >= 4
            and facts.treatment.latest_response is None,
            "INTRAOPERATIVE_ULTRASOUND": any(lesion.disappeared for lesion in facts.liver.lesions)
            and bool(codes & SURGERY_CODES),
            "CT_ANGIOGRAPHY_HEPATIC_ARTERY": "HAI_FUDR_WITH_SYSTEMIC" in codes,
        }
        return {code for code, holds in conditions.items() if holds}


def _evaluated(data):
    facts = parse_facts(data)  # the strategy must only make valid inputs
    return facts, evaluate(facts)


# --- properties -----------------------------------------------------------------------------------


@PROPERTIES
@given(valid_inputs())
def test_one_primary_each_code_once_valid_roles_and_the_spec_citations(data):
    _, result = _evaluated(data)
    assert [item.role for item in result.recommendations].count("primary") == 1
    codes = [item.code for item in result.recommendations]
    assert len(codes) == len(set(codes))
    assert result.resectability in RESECTABILITY
    for item in result.recommendations:
        assert item.role in ROLES and CATALOGUE[item.code].kind == "recommendation"
        assert item.rationale.strip()
    for item in (*result.recommendations, *result.warnings, *result.workup):
        cited = tuple((citation.source, citation.section) for citation in item.citations)
        assert cited == SPEC_2027_1.citations[item.code], item.code
    for item in result.warnings:
        assert item.severity == SEVERITY[item.code]
    assert all(item.severity is None for item in result.workup)


@PROPERTIES
@given(valid_inputs())
def test_plan_resectability_and_the_null_derived_values_follow_the_spec(data):
    facts, result = _evaluated(data)
    reading = Reading(facts)
    assert result.resectability == reading.resectability
    assert result.derived.plan == reading.plan
    assert result.derived.major_hepatectomy_expected is reading.major
    assert result.derived.visible_lesion_count == len(reading.visible)
    assert result.derived.resection_extent == (
        "planned" if facts.liver.planned_resection else "assumed"
    )
    if not reading.candidate:
        assert result.derived.favourable is None and result.derived.ready_for_surgery is None
    else:
        assert isinstance(result.derived.ready_for_surgery, bool)


@PROPERTIES
@given(valid_inputs())
def test_warnings_and_workup_are_exactly_those_of_sections_5_and_6(data):
    facts, result = _evaluated(data)
    reading = Reading(facts)
    warnings = {item.code for item in result.warnings}
    assert warnings == reading.warnings(result)
    assert {item.code for item in result.workup} == reading.workup(result, warnings)


@PROPERTIES
@given(valid_inputs())
def test_the_cross_plan_rules_of_section_4_hold(data):
    facts, result = _evaluated(data)
    reading = Reading(facts)
    roles = {item.code: item.role for item in result.recommendations}
    markers = facts.biomarkers
    if "PORTAL_VEIN_EMBOLIZATION" in roles:
        assert roles["REVOLUMETRY_AFTER_PVE"] == "monitoring"
    if "IMMUNE_CHECKPOINT_INHIBITOR" in roles:
        assert reading.immunotherapy
    if "ENCORAFENIB_CETUXIMAB" in roles:
        assert markers.braf_v600e == "present" and markers.ras != "mutant"
        assert not reading.immunotherapy
    if reading.early_relapse:
        assert not OXALIPLATIN_REGIMENS & set(roles)
    if "HAI_FUDR_WITH_SYSTEMIC" in roles:
        assert facts.treatment.prior_systemic_lines == 0 and facts.patient.ecog <= 2
        assert markers.msi != "msi_high"
    if "DOUBLET_BEVACIZUMAB" in roles and facts.primary.in_situ:
        assert not {"bleeding", "perforation"} & set(facts.primary.symptoms)
    if facts.patient.ecog == 3 and reading.plan == "4.0b":
        assert result.primary.code == "BEST_SUPPORTIVE_CARE"
        if facts.treatment.chemo_refractory or facts.treatment.prior_systemic_lines >= 2:
            assert not {"SYSTEMIC_THERAPY", "CHANGE_SYSTEMIC_LINE"} & set(roles)
    if reading.plan in {"4.3", "4.4"} and result.derived.ready_for_surgery:
        # No resectable plan adds preoperative chemotherapy once ready.
        assert roles.get("PERIOPERATIVE_CHEMOTHERAPY") != "primary"
    if reading.plan == "4.0":
        assert set(roles) <= {"BEST_SUPPORTIVE_CARE", "PRIMARY_PALLIATION"}
        assert not result.warnings and not result.workup


@PROPERTIES
@given(valid_inputs())
def test_the_lesion_plan_is_that_of_section_7(data):
    facts, result = _evaluated(data)
    roles = {item.code: item.role for item in result.recommendations}
    plan = result_to_dict(result)["lesion_plan"]
    lesions = facts.liver.lesions
    if "LOCAL_ABLATIVE_THERAPY" in roles:
        assert [(entry["segment"], entry["size_mm"]) for entry in plan] == [
            (lesion.segment, lesion.size_mm) for lesion in lesions
        ]
        for entry, lesion in zip(plan, lesions, strict=True):
            assert entry["disappeared"] is lesion.disappeared
            if lesion.disappeared:
                assert entry["modalities"] == []
            else:
                assert tuple(entry["modalities"]) == common.ablation_modalities(lesion)
        if reading_plan(result) != "4.5":
            assert not MODALITY_CODES & set(roles)
    elif "RESECTION_WITH_ABLATION" in roles:
        assert plan and all(entry["disappeared"] is False for entry in plan)
        assert len(plan) <= 3 and all(entry["size_mm"] <= 30 for entry in plan)
    else:
        assert plan == []


def _planned_lesions(plan, lesions):
    """Each lesion_plan entry with the lesion it stands for: the plan lists lesions in input
    order (SPEC section 7), so each entry is the next lesion of its segment and size."""
    remaining = iter(lesions)
    for entry in plan:
        lesion = next(
            lesion
            for lesion in remaining
            if lesion.segment == entry.segment and lesion.size_mm == entry.size_mm
        )
        yield entry, lesion


def reading_plan(result) -> str:
    return result.derived.plan


@PROPERTIES
@given(valid_inputs())
def test_the_summary_trace_and_output_read_as_words(data):
    _, result = _evaluated(data)
    written = result_to_dict(result)
    assert json.loads(json.dumps(written)) == written
    summary = written["summary"]
    assert summary.startswith(result.primary.title) and summary.endswith(".")
    assert "_" not in summary and "(s)" not in summary
    traced = {line.rule for line in result.trace}
    assert {"plan", "resectability", "major_hepatectomy_expected"} <= traced
    assert {item.code for item in result.recommendations} <= traced
    text = json.dumps(written)
    assert "(s)" not in text and "((" not in text
    for sentence in sentences(written):
        assert bracket_depth(sentence) <= 1, sentence
        assert not REPEATED_WORD.search(sentence), sentence
    assert evaluate_input(data) == result
    assert evaluate(parse_facts(facts_to_dict(parse_facts(data)))) == result
