"""The recommendation rules of SPEC section 4 (plan selection, 4.0 to 4.6), case by case.

The cases are named in `rule_cases.CASES`; the last tests check that those cases between them
reach every code of the catalogue, every plan and every role.
"""

import pytest

from apps.pathways.crlm_2026_1.catalogue import CATALOGUE
from apps.pathways.crlm_2026_1.derived import ablation_modalities
from tests.pathways.crlm_2026_1.builders import case
from tests.pathways.crlm_2026_1.rule_cases import (
    CASES,
    REGIMENS,
    outcome,
    plan_of,
    regimen_of,
    roles_of,
    warnings_of,
    workup_of,
)
from tests.pathways.crlm_2026_1.version import parse_facts


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_cases_are_valid_inputs(name):
    parse_facts(case(**CASES[name]))


# --- the baseline ---------------------------------------------------------------------------------


def test_baseline_is_resectable_favourable_and_gets_a_hepatectomy_with_adjuvant_chemotherapy():
    result = outcome("baseline")
    assert result.resectability == "resectable"
    assert result.derived.favourable is True
    assert plan_of("baseline") == "4.3"
    assert roles_of("baseline") == {"HEPATECTOMY": "primary", "ADJUVANT_CHEMOTHERAPY": "adjunct"}
    assert warnings_of("baseline") == set()
    assert workup_of("baseline") == set()
    assert result.lesion_plan == ()


# --- plan selection (section 4) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "plan"),
    [
        ("ecog4_with_everything", "4.0"),
        ("ecog4_liver_only_small", "4.0"),
        ("refractory_technically_unresectable", "4.1"),
        ("refractory_progressing_unresectable", "4.1"),  # refractory comes before progression
        ("refractory_unfit_ecog0", "4.1"),
        ("refractory_unresectable_ehd", "4.1"),
        ("refractory_resectable", "4.3"),
        ("refractory_resectable_progressing", "4.3"),
        ("progressing_resectable", "4.2"),
        ("progressing_potentially_resectable", "4.2"),
        ("progressing_unfit", "4.2"),
        ("progressing_unresectable_ehd", "4.2"),
        ("baseline", "4.3"),
        ("technically_unresectable_r0", "4.4"),
        ("unilobar_short", "4.4"),
        ("unfit_one_lesion_32", "4.5"),
        ("bone_metastasis", "4.5"),
    ],
)
def test_plan_is_the_first_of_section_4_that_applies(name, plan):
    assert plan_of(name) == plan


@pytest.mark.parametrize(
    ("name", "resectability"),
    [
        ("refractory_technically_unresectable", "potentially_resectable"),
        ("refractory_unfit_ecog0", "unresectable"),
        ("refractory_unresectable_ehd", "unresectable"),
        ("progressing_resectable", "resectable"),
        ("progressing_potentially_resectable", "potentially_resectable"),
        ("progressing_unfit", "unresectable"),
    ],
)
def test_plan_cases_have_the_resectability_they_stand_for(name, resectability):
    assert outcome(name).resectability == resectability


# --- 4.0 ------------------------------------------------------------------------------------------


def test_ecog_4_gives_best_supportive_care_and_palliation_of_a_symptomatic_primary_only():
    assert roles_of("ecog4_with_everything") == {
        "BEST_SUPPORTIVE_CARE": "primary",
        "PRIMARY_PALLIATION": "sequence",
    }


def test_ecog_4_gives_no_warning_and_no_workup_whatever_the_facts():
    assert warnings_of("ecog4_with_everything") == set()
    assert workup_of("ecog4_with_everything") == set()
    assert outcome("ecog4_with_everything").lesion_plan == ()


@pytest.mark.parametrize(
    "name", ["ecog4_asymptomatic_in_situ", "ecog4_resected_primary", "ecog4_liver_only_small"]
)
def test_ecog_4_without_a_symptomatic_primary_gives_best_supportive_care_alone(name):
    assert roles_of(name) == {"BEST_SUPPORTIVE_CARE": "primary"}
    assert warnings_of(name) == set()
    assert workup_of(name) == set()


def test_ecog_4_is_never_a_surgical_candidate():
    result = outcome("ecog4_resected_primary")
    assert result.surgical_candidate is False
    assert result.resectability == "unresectable"


# --- 4.1 ------------------------------------------------------------------------------------------


def test_refractory_liver_only_fit_gets_sirt_with_tace_and_a_new_line():
    assert roles_of("refractory_technically_unresectable") == {
        "SIRT": "primary",
        "TACE": "alternative",
        "CHANGE_SYSTEMIC_LINE": "adjunct",
        "REASSESS_RESECTABILITY": "monitoring",
    }
    assert warnings_of("refractory_technically_unresectable") == {"CHEMOTHERAPY_LIVER_INJURY"}
    assert workup_of("refractory_technically_unresectable") == {"LIVER_FUNCTION_TEST_ICG"}


def test_refractory_and_progressing_goes_to_4_1_with_the_progression_warning():
    assert roles_of("refractory_progressing_unresectable") == roles_of(
        "refractory_technically_unresectable"
    )
    assert "PROGRESSION_ON_CHEMOTHERAPY" in warnings_of("refractory_progressing_unresectable")


def test_refractory_sirt_up_to_ecog_2():
    assert roles_of("refractory_ecog2")["SIRT"] == "primary"


def test_refractory_ecog_3_gets_a_new_line_only():
    assert roles_of("refractory_ecog3") == {"CHANGE_SYSTEMIC_LINE": "primary"}


def test_refractory_not_a_candidate_gets_no_reassessment():
    assert roles_of("refractory_unfit_ecog0") == {
        "SIRT": "primary",
        "TACE": "alternative",
        "CHANGE_SYSTEMIC_LINE": "adjunct",
    }


@pytest.mark.parametrize("name", ["refractory_resectable_ehd_no_r0", "refractory_unresectable_ehd"])
def test_refractory_with_extrahepatic_disease_gets_a_new_line_and_reassessment(name):
    assert roles_of(name) == {
        "CHANGE_SYSTEMIC_LINE": "primary",
        "REASSESS_RESECTABILITY": "monitoring",
    }


def test_refractory_primary_step_is_primary_first_unless_unresectable():
    assert roles_of("refractory_symptomatic")["PRIMARY_FIRST"] == "sequence"
    assert "PRIMARY_PALLIATION" not in roles_of("refractory_symptomatic")
    assert roles_of("refractory_unfit_symptomatic")["PRIMARY_PALLIATION"] == "sequence"
    assert "PRIMARY_FIRST" not in roles_of("refractory_unfit_symptomatic")


# --- refractory but resectable: 4.3 ---------------------------------------------------------------


def test_refractory_resectable_gets_hepatectomy_with_sirt_alternative_and_no_adjuvant():
    assert roles_of("refractory_resectable") == {"HEPATECTOMY": "primary", "SIRT": "alternative"}
    assert warnings_of("refractory_resectable") == {"CHEMOTHERAPY_LIVER_INJURY"}
    assert workup_of("refractory_resectable") == {"LIVER_FUNCTION_TEST_ICG"}


def test_refractory_resectable_and_progressing_still_gets_hepatectomy_and_the_warning():
    assert roles_of("refractory_resectable_progressing") == {
        "HEPATECTOMY": "primary",
        "SIRT": "alternative",
    }
    assert warnings_of("refractory_resectable_progressing") == {
        "CHEMOTHERAPY_LIVER_INJURY",
        "PROGRESSION_ON_CHEMOTHERAPY",
    }


def test_refractory_resectable_gets_no_sirt_with_ecog_3_or_extrahepatic_disease():
    assert roles_of("refractory_resectable_ecog3_fit") == {"HEPATECTOMY": "primary"}
    assert roles_of("refractory_resectable_lung") == {
        "HEPATECTOMY": "primary",
        "RESECT_EXTRAHEPATIC_DISEASE": "adjunct",
    }


# --- 4.2 ------------------------------------------------------------------------------------------


def test_progression_when_resectable_gets_a_new_line_and_reassessment_without_sirt():
    assert roles_of("progressing_resectable") == {
        "CHANGE_SYSTEMIC_LINE": "primary",
        "REASSESS_RESECTABILITY": "monitoring",
    }
    assert warnings_of("progressing_resectable") == {"PROGRESSION_ON_CHEMOTHERAPY"}


def test_progression_when_potentially_resectable_adds_sirt():
    assert roles_of("progressing_potentially_resectable") == {
        "CHANGE_SYSTEMIC_LINE": "primary",
        "SIRT": "alternative",
        "REASSESS_RESECTABILITY": "monitoring",
    }


def test_progression_when_not_a_candidate_adds_sirt_without_reassessment():
    assert roles_of("progressing_unfit") == {
        "CHANGE_SYSTEMIC_LINE": "primary",
        "SIRT": "alternative",
    }


def test_progression_with_unresectable_extrahepatic_disease_gets_no_sirt():
    assert roles_of("progressing_unresectable_ehd") == {
        "CHANGE_SYSTEMIC_LINE": "primary",
        "REASSESS_RESECTABILITY": "monitoring",
    }
    assert warnings_of("progressing_unresectable_ehd") == {
        "PROGRESSION_ON_CHEMOTHERAPY",
        "NO_REGIONAL_LIVER_THERAPY_WITH_EHD",
    }


def test_progression_with_ecog_3_gets_no_sirt():
    assert roles_of("progressing_ecog3") == {"CHANGE_SYSTEMIC_LINE": "primary"}


def test_progression_primary_step_follows_resectability():
    assert roles_of("progressing_symptomatic_resectable") == {
        "CHANGE_SYSTEMIC_LINE": "primary",
        "REASSESS_RESECTABILITY": "monitoring",
        "PRIMARY_FIRST": "sequence",
    }
    assert roles_of("progressing_symptomatic_unfit") == {
        "CHANGE_SYSTEMIC_LINE": "primary",
        "SIRT": "alternative",
        "PRIMARY_PALLIATION": "sequence",
    }


def test_progression_with_a_borderline_remnant_raises_no_flr_borderline_without_hepatectomy():
    assert "HEPATECTOMY" not in roles_of("progressing_borderline_flr")
    assert "FLR_BORDERLINE" not in warnings_of("progressing_borderline_flr")
    assert "PORTAL_VEIN_EMBOLIZATION" not in roles_of("progressing_borderline_flr")


# --- 4.3: ready for surgery or not ----------------------------------------------------------------

PERIOPERATIVE_PLAN = {
    "PERIOPERATIVE_CHEMOTHERAPY": "primary",
    "HEPATECTOMY": "sequence",
    "REASSESS_RESECTABILITY": "monitoring",
}
SURGERY_FIRST = {"HEPATECTOMY": "primary", "ADJUVANT_CHEMOTHERAPY": "adjunct"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("synchronous_resectable", PERIOPERATIVE_PLAN),
        ("interval_11_9_months", PERIOPERATIVE_PLAN),
        ("interval_12_months", SURGERY_FIRST),
        ("interval_unknown", PERIOPERATIVE_PLAN),
        ("fong_worst_case_2", SURGERY_FIRST),
        ("fong_worst_case_3", PERIOPERATIVE_PLAN),
        ("synchronous_4_cycles_stable", SURGERY_FIRST),
        ("synchronous_4_cycles_complete", SURGERY_FIRST),
        ("synchronous_3_cycles_stable", PERIOPERATIVE_PLAN),
        ("synchronous_4_cycles_unknown", PERIOPERATIVE_PLAN),
        ("synchronous_11_cycles_partial", SURGERY_FIRST),
        ("synchronous_12_cycles_partial", {"HEPATECTOMY": "primary"}),
    ],
)
def test_resectable_plan_is_surgery_first_when_ready_else_perioperative_chemotherapy(
    name, expected
):
    assert roles_of(name) == expected


def test_resectable_not_ready_warns_against_cetuximab_when_ras_wild_type():
    assert warnings_of("synchronous_resectable") == {"NO_CETUXIMAB_PERIOPERATIVE"}


def test_resectable_ready_uses_the_repeat_hepatectomy_code_after_a_prior_hepatectomy():
    assert roles_of("repeat_hepatectomy_ready") == {
        "REPEAT_HEPATECTOMY": "primary",
        "ADJUVANT_CHEMOTHERAPY": "adjunct",
    }


def test_resectable_not_ready_sequences_the_repeat_hepatectomy():
    assert roles_of("repeat_hepatectomy_not_ready") == {
        "PERIOPERATIVE_CHEMOTHERAPY": "primary",
        "REPEAT_HEPATECTOMY": "sequence",
        "REASSESS_RESECTABILITY": "monitoring",
    }


def test_restaging_after_4_cycles_with_no_recorded_response():
    assert "RESTAGING_IMAGING" in workup_of("synchronous_4_cycles_unknown")
    assert "RESTAGING_IMAGING" not in workup_of("synchronous_3_cycles_unknown")
    assert "RESTAGING_IMAGING" not in workup_of("synchronous_4_cycles_stable")


def test_liver_injury_after_more_than_6_cycles():
    assert "CHEMOTHERAPY_LIVER_INJURY" not in warnings_of("synchronous_6_cycles_partial")
    assert "CHEMOTHERAPY_LIVER_INJURY" in warnings_of("synchronous_7_cycles_partial")
    assert "LIVER_FUNCTION_TEST_ICG" in workup_of("synchronous_7_cycles_partial")
    assert outcome("synchronous_7_cycles_partial").flr.required_percent == 40
    assert outcome("synchronous_6_cycles_partial").flr.required_percent == 20


# --- 4.3: the remnant -----------------------------------------------------------------------------


def test_borderline_remnant_before_a_major_hepatectomy_adds_pve_and_the_warning():
    for name in ("major_flr_20", "major_flr_29_9"):
        assert outcome(name).resectability == "resectable"
        assert roles_of(name) == SURGERY_FIRST | {"PORTAL_VEIN_EMBOLIZATION": "alternative"}
        assert warnings_of(name) == {"FLR_BORDERLINE"}


def test_remnant_of_30_percent_is_not_borderline():
    assert roles_of("major_flr_30") == SURGERY_FIRST
    assert warnings_of("major_flr_30") == set()


def test_remnant_under_20_percent_in_a_normal_liver_goes_to_the_remnant_plan():
    assert outcome("major_flr_19_9").resectability == "potentially_resectable"
    assert roles_of("major_flr_19_9")["PORTAL_VEIN_EMBOLIZATION"] == "primary"


def test_borderline_remnant_before_a_minor_hepatectomy_warns_without_pve():
    assert roles_of("minor_flr_25") == SURGERY_FIRST
    assert warnings_of("minor_flr_25") == {"FLR_BORDERLINE"}


def test_borderline_warning_when_the_hepatectomy_is_a_sequence_step():
    assert roles_of("synchronous_major_flr_25") == PERIOPERATIVE_PLAN | {
        "PORTAL_VEIN_EMBOLIZATION": "alternative"
    }
    assert "FLR_BORDERLINE" in warnings_of("synchronous_major_flr_25")


def test_cirrhosis_needs_30_percent_and_is_never_borderline():
    assert outcome("cirrhosis_major_flr_29_9").resectability == "potentially_resectable"
    assert outcome("cirrhosis_major_flr_30").resectability == "resectable"
    assert roles_of("cirrhosis_major_flr_30") == SURGERY_FIRST
    assert warnings_of("cirrhosis_major_flr_30") == set()
    assert workup_of("cirrhosis_major_flr_30") == {"LIVER_FUNCTION_TEST_ICG"}


def test_injured_liver_needs_40_percent_and_is_never_borderline():
    assert outcome("injured_major_flr_39_9").resectability == "potentially_resectable"
    assert outcome("injured_major_flr_40").resectability == "resectable"
    assert roles_of("injured_major_flr_40") == SURGERY_FIRST
    assert warnings_of("injured_major_flr_40") == {"CHEMOTHERAPY_LIVER_INJURY"}
    assert workup_of("injured_major_flr_40") == {"LIVER_FUNCTION_TEST_ICG"}
    # 7 cycles injure the liver: 35% is short
    assert outcome("seven_cycles_major_flr_35").resectability == "potentially_resectable"


# --- 4.3: extrahepatic disease --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lung_resectable", "portocaval_nodes_resectable"])
def test_resectable_extrahepatic_site_is_resected_with_the_liver(name):
    assert outcome(name).derived.ehd == "resectable"
    assert roles_of(name) == PERIOPERATIVE_PLAN | {"RESECT_EXTRAHEPATIC_DISEASE": "adjunct"}
    assert warnings_of(name) == {"NO_CETUXIMAB_PERIOPERATIVE"}


def test_resectable_peritoneal_disease_gets_crs_hipec_and_staging_laparoscopy():
    assert roles_of("peritoneum_resectable") == PERIOPERATIVE_PLAN | {"CRS_HIPEC": "adjunct"}
    assert workup_of("peritoneum_resectable") == {"STAGING_LAPAROSCOPY"}


@pytest.mark.parametrize(
    "name",
    [
        "peritoneum_resectable_ecog2",
        "peritoneum_resectable_4_lesions",
        "peritoneum_unresectable",
        "coeliac_nodes_resectable",
        "two_resectable_sites",
        "brain_metastasis",
        "other_site_resectable",
    ],
)
def test_extrahepatic_disease_beyond_the_limits_makes_the_case_unresectable(name):
    result = outcome(name)
    assert result.derived.ehd == "unresectable"
    assert result.resectability == "unresectable"
    assert plan_of(name) == "4.5"
    assert "NO_REGIONAL_LIVER_THERAPY_WITH_EHD" in warnings_of(name)
    assert "STAGING_LAPAROSCOPY" not in workup_of(name)
    assert "CRS_HIPEC" not in roles_of(name)


# --- 4.3: the primary in place --------------------------------------------------------------------


def test_resectable_symptomatic_primary_goes_first_even_for_a_rectal_primary():
    assert roles_of("in_situ_symptomatic_rectum") == PERIOPERATIVE_PLAN | {
        "PRIMARY_FIRST": "sequence"
    }


def test_resectable_rectal_primary_in_place_is_liver_first():
    assert roles_of("in_situ_rectum") == PERIOPERATIVE_PLAN | {"LIVER_FIRST": "sequence"}
    assert roles_of("in_situ_rectum_major")["LIVER_FIRST"] == "sequence"
    assert "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY" not in warnings_of("in_situ_rectum_major")


def test_resectable_colon_primary_with_a_minor_hepatectomy_is_simultaneous():
    assert roles_of("in_situ_colon_minor") == PERIOPERATIVE_PLAN | {
        "SIMULTANEOUS_RESECTION": "sequence"
    }
    assert roles_of("in_situ_right_colon_minor") == PERIOPERATIVE_PLAN | {
        "SIMULTANEOUS_RESECTION": "sequence"
    }


def test_resectable_colon_primary_with_a_major_hepatectomy_is_staged_with_its_warning():
    for name in ("in_situ_colon_major", "in_situ_colon_major_segment_1"):
        assert roles_of(name) == PERIOPERATIVE_PLAN | {"STAGED_RESECTION": "sequence"}
        assert warnings_of(name) == {
            "NO_CETUXIMAB_PERIOPERATIVE",
            "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY",
        }


# --- 4.3: provisional resectability (section 3) ---------------------------------------------------


def test_unknown_r0_is_provisionally_resectable_with_its_warning_and_review():
    assert outcome("r0_unknown").resectability == "resectable"
    assert roles_of("r0_unknown") == SURGERY_FIRST
    assert warnings_of("r0_unknown") == {"R0_NOT_ASSESSED"}
    assert workup_of("r0_unknown") == {"HPB_SURGICAL_REVIEW"}


def test_unknown_remnant_before_a_major_hepatectomy_is_provisional_with_volumetry():
    assert outcome("flr_unknown_major").resectability == "resectable"
    assert roles_of("flr_unknown_major") == SURGERY_FIRST
    assert warnings_of("flr_unknown_major") == {"FLR_NOT_MEASURED"}
    assert workup_of("flr_unknown_major") == {"CT_VOLUMETRY"}


def test_unknown_remnant_before_a_minor_hepatectomy_needs_nothing():
    assert roles_of("flr_unknown_minor") == SURGERY_FIRST
    assert warnings_of("flr_unknown_minor") == set()
    assert workup_of("flr_unknown_minor") == set()


def test_extensive_disease_with_unknown_r0_is_potentially_resectable_for_conversion():
    assert outcome("r0_unknown_extensive").resectability == "potentially_resectable"
    assert roles_of("r0_unknown_extensive") == {
        "CONVERSION_CHEMOTHERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
        "REASSESS_RESECTABILITY": "monitoring",
        "HAI_FUDR_WITH_SYSTEMIC": "alternative",
    }
    assert warnings_of("r0_unknown_extensive") == set()
    assert workup_of("r0_unknown_extensive") == {"HPB_SURGICAL_REVIEW"}


def test_extensive_disease_with_feasible_r0_is_resectable():
    assert outcome("r0_feasible_extensive").resectability == "resectable"
    assert roles_of("r0_feasible_extensive") == SURGERY_FIRST


def test_extensive_boundaries_at_6_lesions_and_5_segments_decide_with_unknown_r0():
    assert outcome("r0_unknown_5_lesions_4_segments").resectability == "resectable"
    assert "R0_NOT_ASSESSED" in warnings_of("r0_unknown_5_lesions_4_segments")
    assert outcome("r0_unknown_5_segments").resectability == "potentially_resectable"
    assert "R0_NOT_ASSESSED" not in warnings_of("r0_unknown_5_segments")


# --- 4.4: the remnant plan ------------------------------------------------------------------------


def test_bilobar_short_remnant_gets_two_stage_hepatectomy_with_pve_and_the_dropout_warning():
    assert roles_of("bilobar_short") == {
        "TWO_STAGE_HEPATECTOMY": "primary",
        "PORTAL_VEIN_EMBOLIZATION": "adjunct",
        "ADJUVANT_CHEMOTHERAPY": "adjunct",  # favourable: ready for surgery
    }
    assert warnings_of("bilobar_short") == {"TWO_STAGE_DROPOUT_RISK"}


def test_segment_1_does_not_make_disease_bilobar_for_the_remnant_plan():
    assert outcome("bilobar_short_segment_1_and_right").derived.bilobar is False
    assert roles_of("bilobar_short_segment_1_and_right")["PORTAL_VEIN_EMBOLIZATION"] == "primary"


def test_unilobar_short_remnant_gets_pve_then_hepatectomy_with_sirt_alternative():
    assert roles_of("unilobar_short") == {
        "PORTAL_VEIN_EMBOLIZATION": "primary",
        "HEPATECTOMY": "sequence",
        "REVOLUMETRY_AFTER_PVE": "monitoring",
        "SIRT": "alternative",
        "ADJUVANT_CHEMOTHERAPY": "adjunct",
    }
    assert warnings_of("unilobar_short") == set()
    assert workup_of("unilobar_short") == set()


def test_unilobar_short_remnant_sirt_alternative_has_no_performance_status_limit():
    # 4.4 asks only for EHD none (unlike 4.1, 4.2 and 4.5, which ask for ecog <= 2 too)
    assert roles_of("unilobar_short_ecog3_fit")["SIRT"] == "alternative"


def test_unilobar_short_remnant_after_a_prior_hepatectomy_sequences_the_repeat_code():
    assert roles_of("unilobar_short_repeat")["REPEAT_HEPATECTOMY"] == "sequence"
    assert "HEPATECTOMY" not in roles_of("unilobar_short_repeat")


def test_unilobar_short_remnant_with_resectable_extrahepatic_disease():
    assert roles_of("unilobar_short_lung") == {
        "PORTAL_VEIN_EMBOLIZATION": "primary",
        "HEPATECTOMY": "sequence",
        "REVOLUMETRY_AFTER_PVE": "monitoring",
        "PERIOPERATIVE_CHEMOTHERAPY": "adjunct",
        "RESECT_EXTRAHEPATIC_DISEASE": "adjunct",
    }
    assert warnings_of("unilobar_short_lung") == {"NO_CETUXIMAB_PERIOPERATIVE"}
    assert roles_of("unilobar_short_peritoneum")["CRS_HIPEC"] == "adjunct"
    assert "SIRT" not in roles_of("unilobar_short_peritoneum")


@pytest.mark.parametrize(
    ("name", "systemic"),
    [
        ("unilobar_short", "ADJUVANT_CHEMOTHERAPY"),  # ready (favourable)
        ("unilobar_short_synchronous", "PERIOPERATIVE_CHEMOTHERAPY"),
        ("unilobar_short_3_cycles", "PERIOPERATIVE_CHEMOTHERAPY"),
        ("unilobar_short_4_cycles_stable", "ADJUVANT_CHEMOTHERAPY"),
        ("unilobar_short_4_cycles_unknown", "ADJUVANT_CHEMOTHERAPY"),  # 4 cycles, not ready
        ("unilobar_short_11_cycles", "ADJUVANT_CHEMOTHERAPY"),
        ("unilobar_short_12_cycles", None),
    ],
)
def test_remnant_plan_systemic_therapy_by_cycles_given(name, systemic):
    found = roles_of(name)
    given = {
        code for code in ("ADJUVANT_CHEMOTHERAPY", "PERIOPERATIVE_CHEMOTHERAPY") if code in found
    }
    assert given == ({systemic} if systemic else set())
    if systemic:
        assert found[systemic] == "adjunct"
    # no biologic in the remnant plan
    assert not {"DOUBLET_ANTI_EGFR", "DOUBLET_BEVACIZUMAB", "FOLFOXIRI_BEVACIZUMAB"} & set(found)


def test_remnant_plan_offers_ablation_for_3_lesions_up_to_30_mm_without_modality_codes():
    result = outcome("short_three_small")
    assert roles_of("short_three_small")["LOCAL_ABLATIVE_THERAPY"] == "alternative"
    assert not {"RFA", "MWA", "SBRT"} & set(roles_of("short_three_small"))
    assert [(entry.segment, entry.size_mm, entry.modalities) for entry in result.lesion_plan] == [
        (6, 30, ("MWA", "SBRT", "RFA")),
        (7, 30, ("MWA", "SBRT", "RFA")),
        (8, 30, ("MWA", "SBRT", "RFA")),
    ]


@pytest.mark.parametrize("name", ["short_four_small", "short_three_one_over_30", "unilobar_short"])
def test_remnant_plan_offers_no_ablation_beyond_3_lesions_or_30_mm(name):
    assert "LOCAL_ABLATIVE_THERAPY" not in roles_of(name)
    assert outcome(name).lesion_plan == ()


def test_remnant_plan_ablation_warns_for_a_dome_lesion_planned_for_rfa():
    assert "DOME_LESION_APPROACH" in warnings_of("short_dome_rfa")
    assert "DOME_LESION_APPROACH" not in warnings_of("short_dome_mwa")


def test_remnant_plan_primary_in_place():
    assert roles_of("bilobar_short_in_situ")["PRIMARY_WITH_FIRST_STAGE"] == "sequence"
    assert roles_of("bilobar_short_in_situ_rectum")["PRIMARY_WITH_FIRST_STAGE"] == "sequence"
    assert "LIVER_FIRST" not in roles_of("bilobar_short_in_situ_rectum")
    assert roles_of("bilobar_short_symptomatic")["PRIMARY_FIRST"] == "sequence"
    assert "PRIMARY_WITH_FIRST_STAGE" not in roles_of("bilobar_short_symptomatic")
    assert roles_of("unilobar_short_in_situ_rectum")["LIVER_FIRST"] == "sequence"
    assert roles_of("unilobar_short_in_situ_colon")["SIMULTANEOUS_RESECTION"] == "sequence"
    assert roles_of("unilobar_short_in_situ_colon_major")["STAGED_RESECTION"] == "sequence"
    assert "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY" in warnings_of(
        "unilobar_short_in_situ_colon_major"
    )
    assert roles_of("unilobar_short_symptomatic")["PRIMARY_FIRST"] == "sequence"


def test_remnant_plan_applies_whatever_r0_with_an_unknown_r0_flagged_by_review():
    assert roles_of("short_extensive_r0_unknown")["TWO_STAGE_HEPATECTOMY"] == "primary"
    assert "HPB_SURGICAL_REVIEW" in workup_of("short_extensive_r0_unknown")
    assert "R0_NOT_ASSESSED" not in warnings_of("short_extensive_r0_unknown")
    assert roles_of("r0_unknown_short")["PORTAL_VEIN_EMBOLIZATION"] == "primary"


def test_remnant_plan_boundaries_for_cirrhosis_and_injury():
    assert roles_of("cirrhosis_unilobar_flr_29_9")["PORTAL_VEIN_EMBOLIZATION"] == "primary"
    assert roles_of("injured_unilobar_flr_39_9")["PORTAL_VEIN_EMBOLIZATION"] == "primary"


# --- 4.4: the conversion plan ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "technically_unresectable_r0",
        "technically_unresectable_veins",
        "technically_unresectable_pedicles",
        "short_and_technically_unresectable",
    ],
)
def test_technically_unresectable_disease_gets_conversion_chemotherapy(name):
    assert roles_of(name) == {
        "CONVERSION_CHEMOTHERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
        "REASSESS_RESECTABILITY": "monitoring",
    }


def test_two_hepatic_veins_do_not_make_disease_technically_unresectable():
    assert roles_of("hepatic_veins_2") == SURGERY_FIRST


def test_conversion_of_extensive_liver_only_disease_adds_hai():
    assert roles_of("extensive_no_r0")["HAI_FUDR_WITH_SYSTEMIC"] == "alternative"
    assert roles_of("extensive_no_r0_flr_unknown")["HAI_FUDR_WITH_SYSTEMIC"] == "alternative"
    assert roles_of("technically_unresectable_all_segments")["HAI_FUDR_WITH_SYSTEMIC"] == (
        "alternative"
    )


def test_conversion_with_resectable_extrahepatic_disease_gets_no_hai_and_no_ehd_code():
    assert roles_of("extensive_no_r0_lung") == {
        "CONVERSION_CHEMOTHERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
        "REASSESS_RESECTABILITY": "monitoring",
    }
    assert roles_of("conversion_peritoneum") == {
        "CONVERSION_CHEMOTHERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
        "REASSESS_RESECTABILITY": "monitoring",
    }
    assert "STAGING_LAPAROSCOPY" in workup_of("conversion_peritoneum")


def test_conversion_with_an_asymptomatic_primary_in_place_warns_against_upfront_resection():
    assert "NO_UPFRONT_PRIMARY_RESECTION" in warnings_of("conversion_in_situ")
    assert "NO_UPFRONT_PRIMARY_RESECTION" in warnings_of("r0_unknown_extensive_in_situ")
    assert not {"PRIMARY_FIRST", "SIMULTANEOUS_RESECTION"} & set(roles_of("conversion_in_situ"))


def test_conversion_with_a_symptomatic_primary_treats_it_first():
    assert roles_of("conversion_symptomatic")["PRIMARY_FIRST"] == "sequence"
    assert "NO_UPFRONT_PRIMARY_RESECTION" not in warnings_of("conversion_symptomatic")


def test_no_upfront_primary_resection_only_in_the_conversion_plan():
    for name in ("in_situ_colon_minor", "bilobar_short_in_situ", "unfit_symptomatic_ablation"):
        assert "NO_UPFRONT_PRIMARY_RESECTION" not in warnings_of(name)


# --- 4.5: the ablation plan -----------------------------------------------------------------------


def test_not_a_candidate_with_one_lesion_over_30_mm_gets_systemic_therapy_and_ablation():
    result = outcome("unfit_one_lesion_32")
    assert roles_of("unfit_one_lesion_32") == {
        "SYSTEMIC_THERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
        "LOCAL_ABLATIVE_THERAPY": "adjunct",
        "SBRT": "adjunct",
    }
    assert [(entry.segment, entry.size_mm, entry.modalities) for entry in result.lesion_plan] == [
        (6, 32, ("SBRT", "MWA"))
    ]
    assert warnings_of("unfit_one_lesion_32") == set()
    assert workup_of("unfit_one_lesion_32") == set()


def test_declining_surgery_is_not_being_a_candidate():
    assert roles_of("declines_one_lesion_32") == roles_of("unfit_one_lesion_32")


def test_few_small_lesions_get_ablation_alone_with_each_first_modality_once():
    result = outcome("unfit_three_small")
    assert roles_of("unfit_three_small") == {
        "LOCAL_ABLATIVE_THERAPY": "primary",
        "RFA": "adjunct",
        "MWA": "adjunct",
        "SBRT": "adjunct",
    }
    assert [(entry.segment, entry.size_mm, entry.modalities) for entry in result.lesion_plan] == [
        (2, 10, ("RFA", "MWA", "SBRT")),
        (4, 25, ("MWA", "SBRT", "RFA")),
        (7, 28, ("SBRT", "MWA")),
    ]
    assert roles_of("unfit_three_30") == {"LOCAL_ABLATIVE_THERAPY": "primary", "MWA": "adjunct"}


def test_ablation_alone_stops_above_30_mm_and_above_3_lesions():
    for name in ("unfit_three_one_30_1", "unfit_four_small", "unfit_five_lesions"):
        found = roles_of(name)
        assert found["SYSTEMIC_THERAPY"] == "primary", name
        assert found["LOCAL_ABLATIVE_THERAPY"] == "adjunct", name
        assert found["DOUBLET_ANTI_EGFR"] == "adjunct", name
    assert roles_of("unfit_four_small") == {
        "SYSTEMIC_THERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
        "LOCAL_ABLATIVE_THERAPY": "adjunct",
        "MWA": "adjunct",
    }
    assert roles_of("unfit_three_one_30_1")["SBRT"] == "adjunct"


def test_ablation_plan_up_to_5_lesions_then_the_systemic_plan():
    assert len(outcome("unfit_five_lesions").lesion_plan) == 5
    assert roles_of("unfit_six_lesions") == {
        "SYSTEMIC_THERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
    }
    assert outcome("unfit_six_lesions").lesion_plan == ()


def test_ablation_plan_needs_every_lesion_ablatable_at_50_mm_or_less():
    assert roles_of("unfit_lesion_50")["LOCAL_ABLATIVE_THERAPY"] == "adjunct"
    assert roles_of("unfit_lesion_50")["SBRT"] == "adjunct"
    assert roles_of("unfit_lesion_50_1") == {
        "SYSTEMIC_THERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
    }
    assert "LOCAL_ABLATIVE_THERAPY" not in roles_of("unfit_two_ablatable_one_not")


def test_ablation_plan_only_for_liver_only_disease():
    assert "LOCAL_ABLATIVE_THERAPY" not in roles_of("unfit_lung")
    assert "LOCAL_ABLATIVE_THERAPY" not in roles_of("bone_metastasis")  # a candidate


def test_dome_lesion_warning_when_its_first_modality_is_rfa():
    assert "DOME_LESION_APPROACH" in warnings_of("unfit_dome_rfa")
    assert "DOME_LESION_APPROACH" in warnings_of("unfit_dome_peribiliary")
    assert "DOME_LESION_APPROACH" in warnings_of("unfit_dome_second_lesion")
    assert "DOME_LESION_APPROACH" not in warnings_of("unfit_dome_mwa")
    assert "DOME_LESION_APPROACH" not in warnings_of("unfit_dome_near_vessel")


# --- 4.5: the systemic plan -----------------------------------------------------------------------


def test_systemic_plan_first_line_liver_only_warns_sirt_is_not_first_line():
    assert warnings_of("unfit_six_lesions") == {"SIRT_NOT_FIRST_LINE"}
    assert warnings_of("unfit_lesion_50_1") == {"SIRT_NOT_FIRST_LINE"}


def test_sirt_not_first_line_only_in_the_systemic_plan_of_liver_only_disease():
    assert "SIRT_NOT_FIRST_LINE" not in warnings_of("unfit_one_lesion_32")  # ablation plan
    assert "SIRT_NOT_FIRST_LINE" not in warnings_of("bone_metastasis")
    assert "SIRT_NOT_FIRST_LINE" not in warnings_of("unfit_lung")
    assert "SIRT_NOT_FIRST_LINE" not in warnings_of("unfit_six_lesions_second_line")


def test_systemic_plan_later_line_adds_tace_up_to_ecog_2():
    for name in (
        "unfit_six_lesions_second_line",
        "unfit_six_lesions_second_line_ecog2",
        "unfit_lesion_50_1_second_line",
        "unfit_two_ablatable_one_not",
    ):
        assert roles_of(name)["TACE"] == "alternative", name
    assert roles_of("unfit_six_lesions_second_line_ecog3") == {
        "SYSTEMIC_THERAPY": "primary",
        "FLUOROPYRIMIDINE_BEVACIZUMAB": "adjunct",
    }


def test_systemic_plan_no_tace_in_first_line_or_with_extrahepatic_disease():
    assert "TACE" not in roles_of("unfit_six_lesions")
    assert "TACE" not in roles_of("unfit_bone")


def test_systemic_plan_reassesses_a_surgical_candidate():
    assert roles_of("bone_metastasis") == {
        "SYSTEMIC_THERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
        "REASSESS_RESECTABILITY": "monitoring",
    }
    assert warnings_of("bone_metastasis") == {"NO_REGIONAL_LIVER_THERAPY_WITH_EHD"}
    assert "REASSESS_RESECTABILITY" not in roles_of("unfit_six_lesions")


def test_unresectable_primary_step_is_palliation():
    assert roles_of("unfit_symptomatic_systemic")["PRIMARY_PALLIATION"] == "sequence"
    assert roles_of("unfit_symptomatic_ablation") == {
        "SYSTEMIC_THERAPY": "primary",
        "DOUBLET_ANTI_EGFR": "adjunct",
        "LOCAL_ABLATIVE_THERAPY": "adjunct",
        "SBRT": "adjunct",
        "PRIMARY_PALLIATION": "sequence",
    }
    assert "PRIMARY_FIRST" not in roles_of("unfit_symptomatic_systemic")


@pytest.mark.parametrize(
    "name",
    [
        "unfit_symptomatic_systemic",
        "unfit_symptomatic_ablation",
        "conversion_symptomatic",
        "in_situ_symptomatic_rectum",
        "refractory_unfit_symptomatic",
        "ecog4_with_everything",
    ],
)
def test_primary_step_comes_before_everything_else(name):
    first = outcome(name).recommendations[0]
    assert first.code in {"PRIMARY_FIRST", "PRIMARY_PALLIATION"}
    assert first.role == "sequence"


# --- 4.6: the systemic regimen --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "regimen"),
    [
        ("regimen_msi_high_ecog3", "IMMUNE_CHECKPOINT_INHIBITOR"),  # msi beats ecog 3
        ("regimen_ecog3", "FLUOROPYRIMIDINE_BEVACIZUMAB"),  # ecog 3 beats the triplet
        ("regimen_triplet_right", "FOLFOXIRI_BEVACIZUMAB"),
        ("regimen_triplet_ras_mutant", "FOLFOXIRI_BEVACIZUMAB"),
        ("regimen_triplet_braf", "FOLFOXIRI_BEVACIZUMAB"),
        ("regimen_triplet_age_70", "FOLFOXIRI_BEVACIZUMAB"),
        ("regimen_triplet_age_71", "DOUBLET_BEVACIZUMAB"),
        ("regimen_triplet_ecog_1", "FOLFOXIRI_BEVACIZUMAB"),
        ("regimen_triplet_ecog_2", "DOUBLET_BEVACIZUMAB"),
        ("regimen_second_line_right", "DOUBLET_BEVACIZUMAB"),
        ("regimen_second_line_left", "DOUBLET_ANTI_EGFR"),
        ("regimen_triplet_lung", "DOUBLET_BEVACIZUMAB"),  # not liver-only
        ("regimen_ras_unknown", "DOUBLET_BEVACIZUMAB"),
        ("regimen_braf_unknown", "DOUBLET_BEVACIZUMAB"),
        ("regimen_rectum", "DOUBLET_ANTI_EGFR"),
        ("regimen_left_wild_type", "DOUBLET_ANTI_EGFR"),
        ("regimen_systemic_right", "DOUBLET_BEVACIZUMAB"),  # the triplet is for conversion
        ("regimen_systemic_ras_mutant", "DOUBLET_BEVACIZUMAB"),
        ("regimen_msi_high_systemic", "IMMUNE_CHECKPOINT_INHIBITOR"),
        ("unfit_six_lesions_second_line_ecog3", "FLUOROPYRIMIDINE_BEVACIZUMAB"),
        ("unfit_one_lesion_32", "DOUBLET_ANTI_EGFR"),
        ("r0_unknown_extensive", "DOUBLET_ANTI_EGFR"),
    ],
)
def test_regimen_is_the_first_of_section_4_6_that_applies(name, regimen):
    assert regimen_of(name) == regimen


@pytest.mark.parametrize(
    "name",
    [
        "baseline",
        "synchronous_resectable",
        "unilobar_short",
        "bilobar_short",
        "refractory_technically_unresectable",
        "progressing_potentially_resectable",
        "unfit_three_small",
    ],
)
def test_plans_without_a_regimen_recommend_none(name):
    assert not REGIMENS & set(roles_of(name))


@pytest.mark.parametrize(
    ("name", "warned"),
    [
        ("bevacizumab_bleeding", True),
        ("bevacizumab_perforation", True),
        ("bevacizumab_obstruction", False),
        ("triplet_perforation", True),
        ("fluoropyrimidine_bleeding", True),
        ("anti_egfr_bleeding", False),
        ("unfit_symptomatic_systemic", False),
        ("unfit_symptomatic_systemic_ras_mutant", True),
    ],
)
def test_no_bevacizumab_with_a_bleeding_or_perforated_primary_in_place(name, warned):
    assert ("NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY" in warnings_of(name)) is warned


# --- every code is reached ------------------------------------------------------------------------


def test_rule_cases_reach_every_code_of_the_catalogue():
    reached: set[str] = set()
    for name in CASES:
        reached |= outcome(name).codes
    assert set(CATALOGUE) - reached == set()
    assert reached - set(CATALOGUE) == set()


def test_rule_cases_reach_every_plan_and_every_role():
    plans = {plan_of(name) for name in CASES}
    assert plans == {"4.0", "4.1", "4.2", "4.3", "4.4", "4.5"}
    found_roles = {item.role for name in CASES for item in outcome(name).recommendations}
    assert found_roles == {"primary", "sequence", "alternative", "adjunct", "monitoring"}


def test_lesion_plan_modalities_are_those_of_the_derived_function():
    for name in CASES:
        result = outcome(name)
        facts = parse_facts(case(**CASES[name]))
        if result.lesion_plan:
            assert [entry.modalities for entry in result.lesion_plan] == [
                tuple(ablation_modalities(found)) for found in facts.liver.lesions
            ], name
