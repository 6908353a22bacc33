"""The warnings (SPEC section 5), the work-up (section 6) and the trace, case by case.

The cases are named in `rule_cases.CASES`, shared with `test_rules`.
"""

import pytest

from tests.pathways.crlm_2026_1.builders import roles, warning_codes
from tests.pathways.crlm_2026_1.rule_cases import (
    CASES,
    outcome,
    trace_line,
    warnings_of,
    workup_of,
)

# --- section 5: warnings --------------------------------------------------------------------------


def test_fong_incomplete_unless_unresectable_naming_the_missing_criteria():
    assert warnings_of("node_unknown") == {"FONG_INCOMPLETE"}
    assert "FONG_INCOMPLETE" in warnings_of("node_unknown_potentially")
    assert "FONG_INCOMPLETE" not in warnings_of("node_unknown_unfit")
    (finding,) = [
        item
        for item in outcome("cea_and_interval_unknown").warnings
        if item.code == "FONG_INCOMPLETE"
    ]
    assert "cea" in finding.message.lower()
    assert "interval" in finding.message.lower() or "dfi" in finding.message.lower()


def test_two_stage_dropout_risk_exactly_with_two_stage_hepatectomy():
    for name, result in ((name, outcome(name)) for name in CASES):
        assert ("TWO_STAGE_DROPOUT_RISK" in warning_codes(result)) is (
            "TWO_STAGE_HEPATECTOMY" in roles(result)
        ), name


def test_avoid_simultaneous_major_hepatectomy_exactly_with_staged_resection():
    for name, result in ((name, outcome(name)) for name in CASES):
        assert ("AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY" in warning_codes(result)) is (
            "STAGED_RESECTION" in roles(result)
        ), name


@pytest.mark.parametrize(
    ("name", "warned"),
    [
        ("right_colon_wild_type", True),
        ("right_colon_ras_unknown", True),
        ("right_colon_ras_mutant", False),
        ("baseline", False),
        ("regimen_triplet_right", True),
    ],
)
def test_no_anti_egfr_for_a_right_sided_primary_unless_ras_mutant(name, warned):
    assert ("NO_ANTI_EGFR_RIGHT_SIDED" in warnings_of(name)) is warned


@pytest.mark.parametrize(
    ("name", "warned"),
    [
        ("synchronous_resectable", True),
        ("unilobar_short_synchronous", True),  # perioperative chemotherapy as an adjunct
        ("ras_unknown_perioperative", False),
        ("ras_mutant_perioperative", False),
        ("baseline", False),
    ],
)
def test_no_cetuximab_perioperative_when_ras_wild_type_and_perioperative_chemotherapy(name, warned):
    assert ("NO_CETUXIMAB_PERIOPERATIVE" in warnings_of(name)) is warned


@pytest.mark.parametrize(
    ("name", "warned"),
    [
        ("ras_unknown_resectable", False),
        ("regimen_ras_unknown", True),
        ("regimen_braf_unknown", True),
        ("braf_unknown_unfit", True),
        ("msi_unknown", False),
    ],
)
def test_anti_egfr_needs_ras_and_braf_unless_resectable(name, warned):
    assert ("ANTI_EGFR_NEEDS_RAS_BRAF" in warnings_of(name)) is warned


def test_chemotherapy_liver_injury_unless_unresectable():
    assert warnings_of("injured_resectable") == {"CHEMOTHERAPY_LIVER_INJURY"}
    assert "CHEMOTHERAPY_LIVER_INJURY" not in warnings_of("injured_unfit")
    assert "CHEMOTHERAPY_LIVER_INJURY" in warnings_of("refractory_technically_unresectable")


@pytest.mark.parametrize(
    ("name", "warned"),
    [
        ("ras_mutant_resectable", True),
        ("ras_mutant_repeat", True),
        ("ras_mutant_perioperative", True),  # hepatectomy as a sequence step
        ("bilobar_short_ras_mutant", True),  # two-stage hepatectomy
        ("unilobar_short_ras_mutant", True),
        ("ras_mutant_conversion", False),
        ("ras_mutant_unfit", False),
        ("baseline", False),
    ],
)
def test_ras_mutant_margin_with_a_hepatectomy_code_or_two_stage(name, warned):
    assert ("RAS_MUTANT_MARGIN" in warnings_of(name)) is warned


def test_disappearing_metastases_whatever_the_plan():
    assert warnings_of("disappeared") == {"DISAPPEARING_METASTASES"}
    assert "DISAPPEARING_METASTASES" in warnings_of("disappeared_unfit")


def test_no_regional_liver_therapy_with_unresectable_extrahepatic_disease_only():
    assert "NO_REGIONAL_LIVER_THERAPY_WITH_EHD" in warnings_of("refractory_unresectable_ehd")
    assert "NO_REGIONAL_LIVER_THERAPY_WITH_EHD" not in warnings_of("lung_resectable")
    assert "NO_REGIONAL_LIVER_THERAPY_WITH_EHD" not in warnings_of("unfit_lung")


def test_progression_warning_only_on_progression():
    assert "PROGRESSION_ON_CHEMOTHERAPY" not in warnings_of("synchronous_4_cycles_stable")
    assert "PROGRESSION_ON_CHEMOTHERAPY" in warnings_of("progressing_unfit")


def test_r0_not_assessed_and_flr_not_measured_only_when_resectable():
    assert "R0_NOT_ASSESSED" not in warnings_of("r0_unknown_unfit")
    assert "R0_NOT_ASSESSED" not in warnings_of("r0_unknown_bone")
    assert "FLR_NOT_MEASURED" not in warnings_of("flr_unknown_major_unfit")
    assert "FLR_NOT_MEASURED" not in warnings_of("flr_unknown_major_conversion")


# --- section 6: work-up ---------------------------------------------------------------------------


def test_workup_when_nothing_is_done_for_a_resectable_case():
    assert workup_of("nothing_done") == {"MRI_LIVER_HEPATOSPECIFIC", "PET_CT", "COLONOSCOPY"}
    assert workup_of("nothing_done_potentially") == {
        "MRI_LIVER_HEPATOSPECIFIC",
        "PET_CT",
        "COLONOSCOPY",
    }


def test_workup_when_unresectable_asks_mri_only_for_ablation():
    assert workup_of("nothing_done_unfit_ablation") == {"MRI_LIVER_HEPATOSPECIFIC"}
    assert workup_of("nothing_done_unfit_systemic") == set()


def test_workup_colonoscopy_for_a_candidate_whose_primary_was_removed():
    assert workup_of("nothing_done_bone") == {"COLONOSCOPY"}
    assert "COLONOSCOPY" not in workup_of("nothing_done_in_situ")
    assert "COLONOSCOPY" not in workup_of("nothing_done_unfit_ablation")


@pytest.mark.parametrize("name", ["regimen_ras_unknown", "regimen_braf_unknown", "msi_unknown"])
def test_workup_molecular_testing_when_any_marker_is_unknown(name):
    assert "MOLECULAR_TESTING" in workup_of(name)


def test_workup_molecular_testing_even_when_unresectable():
    assert "MOLECULAR_TESTING" in workup_of("braf_unknown_unfit")


def test_workup_ct_volumetry_unless_unresectable():
    assert "CT_VOLUMETRY" in workup_of("flr_unknown_major")
    assert "CT_VOLUMETRY" in workup_of("flr_unknown_major_conversion")
    assert "CT_VOLUMETRY" not in workup_of("flr_unknown_major_unfit")
    assert "CT_VOLUMETRY" not in workup_of("flr_unknown_minor")


def test_workup_hpb_review_for_a_candidate_with_unknown_r0():
    assert "HPB_SURGICAL_REVIEW" in workup_of("r0_unknown_bone")
    assert "HPB_SURGICAL_REVIEW" in workup_of("r0_unknown_short")
    assert "HPB_SURGICAL_REVIEW" not in workup_of("r0_unknown_unfit")


def test_workup_liver_function_for_injury_or_cirrhosis_unless_unresectable():
    assert workup_of("cirrhosis_resectable") == {"LIVER_FUNCTION_TEST_ICG"}
    assert workup_of("injured_resectable") == {"LIVER_FUNCTION_TEST_ICG"}
    assert "LIVER_FUNCTION_TEST_ICG" not in workup_of("cirrhosis_unfit")
    assert "LIVER_FUNCTION_TEST_ICG" not in workup_of("injured_unfit")


def test_workup_staging_laparoscopy_for_peritoneal_disease_unless_unresectable():
    assert "STAGING_LAPAROSCOPY" in workup_of("peritoneum_resectable")
    assert "STAGING_LAPAROSCOPY" not in workup_of("peritoneum_unresectable")


# --- the trace ------------------------------------------------------------------------------------


def test_trace_explains_resectability_and_the_plan_before_the_recommendations():
    result = outcome("synchronous_resectable")
    rules = [line.rule for line in result.trace]
    assert "resectability" in rules
    assert rules.index("resectability") < rules.index("plan")
    plan = result.trace[rules.index("plan")]
    assert plan.result == "4.3"
    assert plan.because.strip()
    for item in result.recommendations:
        assert rules.index("plan") < rules.index(item.code)
        assert trace_line("synchronous_resectable", item.code).because.strip()


@pytest.mark.parametrize("name", ["nothing_done", "fong_worst_case_3", "in_situ_colon_major"])
def test_trace_has_a_line_for_every_warning_and_workup_item_after_the_recommendations(name):
    result = outcome(name)
    rules = [line.rule for line in result.trace]
    last_recommendation = max(rules.index(item.code) for item in result.recommendations)
    for item in (*result.warnings, *result.workup):
        assert rules.count(item.code) == 1, item.code
        assert rules.index(item.code) > last_recommendation


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ecog4_resected_primary", "BEST_SUPPORTIVE_CARE"),
        ("refractory_ecog3", "CHANGE_SYSTEMIC_LINE"),  # 4.1 otherwise
        ("synchronous_resectable", "PERIOPERATIVE_CHEMOTHERAPY"),  # CAPOX
        ("in_situ_colon_major", "STAGED_RESECTION"),
        ("unilobar_short", "ADJUVANT_CHEMOTHERAPY"),  # no biologic in the remnant plan
        ("unilobar_short_synchronous", "PERIOPERATIVE_CHEMOTHERAPY"),
        ("unfit_six_lesions_second_line", "TACE"),
        ("regimen_ecog3", "FLUOROPYRIMIDINE_BEVACIZUMAB"),
        ("regimen_triplet_right", "FOLFOXIRI_BEVACIZUMAB"),
        ("bevacizumab_bleeding", "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY"),
        ("minor_flr_25", "FLR_BORDERLINE"),
        ("r0_unknown_extensive", "resectability"),
        ("bone_metastasis", "extrahepatic_disease"),
        ("brain_metastasis", "extrahepatic_disease"),
        ("other_site_resectable", "extrahepatic_disease"),
        ("synchronous_resectable", "favourable"),
        ("synchronous_4_cycles_stable", "ready_for_surgery"),
        ("major_flr_30", "major_hepatectomy_expected"),
        ("r0_feasible_extensive", "extensive_liver_disease"),
    ],
)
def test_trace_says_choice_for_a_rule_the_spec_marks_as_a_choice(name, rule):
    assert "[choice]" in trace_line(name, rule).because


def test_trace_says_choice_for_the_ablation_modalities_of_a_lesion_plan():
    result = outcome("unfit_three_small")
    modalities = {modality for entry in result.lesion_plan for modality in entry.modalities}
    lines = [
        line
        for line in result.trace
        if "[choice]" in line.because
        and all(modality in f"{line.result} {line.because}" for modality in modalities)
    ]
    assert lines


def test_trace_does_not_say_choice_for_an_evidence_rule_of_the_sources():
    assert "[choice]" not in trace_line("baseline", "HEPATECTOMY").because
    assert "[choice]" not in trace_line("refractory_technically_unresectable", "SIRT").because
