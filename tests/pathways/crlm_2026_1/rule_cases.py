"""Named cases for the rule tests: overrides of the `builders` baseline, one per situation.

`test_rules` (SPEC section 4) and `test_findings` (sections 5 and 6, and the trace) read their
cases from `CASES` by name, so `test_rules` can check that the cases between them reach every
code of the catalogue: a code no case reaches is a rule without a test. Results are cached by
name (a result is immutable).
"""

from functools import cache

from apps.pathways.result import PathwayResult, TraceLine
from tests.pathways.crlm_2026_1.builders import (
    NOT_A_CANDIDATE,
    SYNCHRONOUS,
    lesion,
    lesions,
    roles,
    run,
    site,
    warning_codes,
    workup_codes,
)

REGIMENS = frozenset(
    {
        "IMMUNE_CHECKPOINT_INHIBITOR",
        "FLUOROPYRIMIDINE_BEVACIZUMAB",
        "FOLFOXIRI_BEVACIZUMAB",
        "DOUBLET_ANTI_EGFR",
        "DOUBLET_BEVACIZUMAB",
    }
)


def merge(*parts: dict) -> dict:
    merged: dict = {}
    for part in parts:
        merged |= part
    return merged


def symptomatic(*symptoms: str) -> dict:
    return {"primary.in_situ": True, "primary.symptoms": list(symptoms)}


def cycles(count: int, response: str | None) -> dict:
    return {"treatment.preoperative_cycles": count, "treatment.latest_response": response}


def flr(percent: float | None) -> dict:
    return {"liver.flr_percent": percent}


def ehd(*sites: dict) -> dict:
    return {"extrahepatic.sites": list(sites)}


def liver_lesions(*found: dict) -> dict:
    return {"liver.lesions": list(found)}


UNFIT = NOT_A_CANDIDATE
IN_SITU = {"primary.in_situ": True}
REFRACTORY = {"treatment.chemo_refractory": True, "treatment.prior_systemic_lines": 3}
PROGRESSING = cycles(4, "progressive")
NO_R0 = {"liver.r0_feasible": False}  # technically unresectable
R0_UNKNOWN = {"liver.r0_feasible": None}
# 3 segments of the right liver: a major hepatectomy, unilobar, lesions too big for ablation alone
MAJOR = {"liver.lesions": lesions(5, 6, 7, size_mm=35)}
BILOBAR = {"liver.lesions": lesions(2, 6, size_mm=35)}
UNILOBAR = {"liver.lesions": lesions(6, 7, size_mm=35)}
EXTENSIVE = {"liver.lesions": lesions(2, 3, 5, 6, 7, 8, size_mm=25)}  # 6 lesions, bilobar
SHORT = flr(15)  # below every required remnant
INJURED = {"liver.parenchyma": "chemotherapy_injury"}
CIRRHOSIS = {"liver.parenchyma": "cirrhosis"}
RIGHT = {"primary.site": "right_colon"}
RECTUM = {"primary.site": "rectum"}
RAS_MUTANT = {"biomarkers.ras": "mutant"}
SECOND_LINE = {"treatment.prior_systemic_lines": 1}
NOTHING_DONE = {
    "workup.mri_hepatospecific_done": False,
    "workup.pet_ct_done": False,
    "workup.colonoscopy_within_6_months": False,
}
SIX_LESIONS = {"liver.lesions": lesions(2, 3, 5, 6, 7, 8, size_mm=25)}
BONE = ehd(site("bone"))
LUNG = ehd(site("lung"))
# Conversion (4.4) without a symptomatic primary, for the regimen of 4.6.
CONVERSION = NO_R0

CASES: dict[str, dict] = {
    "baseline": {},
    # --- 4.0 ---
    "ecog4_with_everything": merge(
        {"patient.ecog": 4},
        symptomatic("bleeding", "perforation"),
        REFRACTORY,
        PROGRESSING,
        BONE,
        NOTHING_DONE,
        R0_UNKNOWN,
        flr(None),
        SIX_LESIONS,
        {
            "biomarkers.ras": "unknown",
            "biomarkers.braf_v600e": "unknown",
            "biomarkers.msi": "unknown",
            "primary.node_positive": None,
            "liver.lesions[0].disappeared": True,
            "liver.lesions[1].subcapsular_or_dome": True,
            "liver.parenchyma": "cirrhosis",
        },
    ),
    "ecog4_asymptomatic_in_situ": merge({"patient.ecog": 4}, IN_SITU),
    "ecog4_resected_primary": {"patient.ecog": 4},
    "ecog4_liver_only_small": merge({"patient.ecog": 4}, liver_lesions(lesion(6, 15))),
    # --- 4.1 ---
    "refractory_technically_unresectable": merge(REFRACTORY, NO_R0),
    "refractory_progressing_unresectable": merge(REFRACTORY, NO_R0, PROGRESSING),
    "refractory_ecog2": merge(REFRACTORY, NO_R0, {"patient.ecog": 2}),
    "refractory_ecog3": merge(REFRACTORY, NO_R0, {"patient.ecog": 3}),
    "refractory_unfit_ecog0": merge(REFRACTORY, UNFIT),
    "refractory_resectable_ehd_no_r0": merge(REFRACTORY, NO_R0, LUNG),
    "refractory_unresectable_ehd": merge(REFRACTORY, BONE),
    "refractory_symptomatic": merge(REFRACTORY, NO_R0, symptomatic("obstruction")),
    "refractory_unfit_symptomatic": merge(REFRACTORY, UNFIT, symptomatic("obstruction")),
    # --- refractory but resectable: 4.3 ---
    "refractory_resectable": REFRACTORY,
    "refractory_resectable_progressing": merge(REFRACTORY, PROGRESSING),
    "refractory_resectable_ecog3_fit": merge(
        REFRACTORY, {"patient.ecog": 3, "patient.surgical_fitness": "fit"}
    ),
    "refractory_resectable_lung": merge(REFRACTORY, LUNG),
    # --- 4.2 ---
    "progressing_resectable": PROGRESSING,
    "progressing_potentially_resectable": merge(PROGRESSING, NO_R0),
    "progressing_unfit": merge(PROGRESSING, UNFIT),
    "progressing_unresectable_ehd": merge(PROGRESSING, BONE),
    "progressing_ecog3": merge(PROGRESSING, {"patient.ecog": 3}),
    "progressing_symptomatic_resectable": merge(PROGRESSING, symptomatic("obstruction")),
    "progressing_symptomatic_unfit": merge(PROGRESSING, UNFIT, symptomatic("obstruction")),
    "progressing_borderline_flr": merge(PROGRESSING, MAJOR, flr(25)),
    # --- 4.3: ready or not ---
    "synchronous_resectable": SYNCHRONOUS,
    "interval_11_9_months": {"presentation.disease_free_interval_months": 11.9},
    "interval_12_months": {"presentation.disease_free_interval_months": 12},
    "interval_unknown": {"presentation.disease_free_interval_months": None},
    "fong_worst_case_2": merge(UNILOBAR, {"primary.node_positive": True}),
    "fong_worst_case_3": merge(
        UNILOBAR, {"primary.node_positive": True, "biomarkers.cea_ng_ml": None}
    ),
    "synchronous_4_cycles_stable": merge(SYNCHRONOUS, cycles(4, "stable")),
    "synchronous_4_cycles_complete": merge(SYNCHRONOUS, cycles(4, "complete")),
    "synchronous_3_cycles_stable": merge(SYNCHRONOUS, cycles(3, "stable")),
    "synchronous_4_cycles_unknown": merge(SYNCHRONOUS, cycles(4, None)),
    "synchronous_3_cycles_unknown": merge(SYNCHRONOUS, cycles(3, None)),
    "synchronous_6_cycles_partial": merge(SYNCHRONOUS, cycles(6, "partial")),
    "synchronous_7_cycles_partial": merge(SYNCHRONOUS, cycles(7, "partial")),
    "synchronous_11_cycles_partial": merge(SYNCHRONOUS, cycles(11, "partial")),
    "synchronous_12_cycles_partial": merge(SYNCHRONOUS, cycles(12, "partial")),
    "repeat_hepatectomy_ready": {"presentation.prior_hepatectomy": True},
    "repeat_hepatectomy_not_ready": {
        "presentation.prior_hepatectomy": True,
        "presentation.disease_free_interval_months": 6,
    },
    # --- 4.3: the remnant ---
    "major_flr_19_9": merge(MAJOR, flr(19.9)),
    "major_flr_20": merge(MAJOR, flr(20)),
    "major_flr_29_9": merge(MAJOR, flr(29.9)),
    "major_flr_30": merge(MAJOR, flr(30)),
    "minor_flr_25": flr(25),
    "synchronous_major_flr_25": merge(SYNCHRONOUS, MAJOR, flr(25)),
    "cirrhosis_major_flr_29_9": merge(CIRRHOSIS, MAJOR, flr(29.9)),
    "cirrhosis_major_flr_30": merge(CIRRHOSIS, MAJOR, flr(30)),
    "injured_major_flr_39_9": merge(INJURED, MAJOR, flr(39.9)),
    "injured_major_flr_40": merge(INJURED, MAJOR, flr(40)),
    "seven_cycles_major_flr_35": merge(SYNCHRONOUS, cycles(7, "partial"), MAJOR, flr(35)),
    # --- 4.3: extrahepatic disease ---
    "lung_resectable": LUNG,
    "portocaval_nodes_resectable": ehd(site("portocaval_nodes")),
    "peritoneum_resectable": ehd(site("peritoneum")),
    "peritoneum_resectable_ecog2": merge(ehd(site("peritoneum")), {"patient.ecog": 2}),
    "peritoneum_resectable_4_lesions": merge(
        ehd(site("peritoneum")), {"liver.lesions": lesions(5, 6, 7, 8)}
    ),
    "peritoneum_unresectable": ehd(site("peritoneum", resectable=False)),
    # --- 4.3: the primary in place ---
    "in_situ_symptomatic_rectum": merge(SYNCHRONOUS, RECTUM, symptomatic("obstruction")),
    "in_situ_rectum": merge(SYNCHRONOUS, RECTUM, IN_SITU),
    "in_situ_rectum_major": merge(SYNCHRONOUS, RECTUM, IN_SITU, MAJOR),
    "in_situ_colon_minor": merge(SYNCHRONOUS, IN_SITU, UNILOBAR),
    "in_situ_right_colon_minor": merge(SYNCHRONOUS, IN_SITU, RIGHT),
    "in_situ_colon_major": merge(SYNCHRONOUS, IN_SITU, MAJOR),
    "in_situ_colon_major_segment_1": merge(
        SYNCHRONOUS, IN_SITU, {"liver.lesions": lesions(1, 2, 3, size_mm=35)}
    ),
    # --- 4.3: provisional resectability ---
    "r0_unknown": R0_UNKNOWN,
    "flr_unknown_major": merge(MAJOR, flr(None)),
    "flr_unknown_minor": flr(None),
    "r0_unknown_extensive": merge(EXTENSIVE, R0_UNKNOWN),
    "r0_feasible_extensive": EXTENSIVE,
    "r0_unknown_5_lesions_4_segments": merge(
        R0_UNKNOWN, {"liver.lesions": lesions(2, 3, 5, 6, 6, size_mm=25)}
    ),
    "r0_unknown_5_segments": merge(R0_UNKNOWN, {"liver.lesions": lesions(2, 3, 5, 6, 7)}),
    # --- 4.4: the remnant plan ---
    "bilobar_short": merge(BILOBAR, SHORT),
    "bilobar_short_ras_mutant": merge(BILOBAR, SHORT, RAS_MUTANT),
    "bilobar_short_segment_1_and_right": merge({"liver.lesions": lesions(1, 6, size_mm=35)}, SHORT),
    "unilobar_short": merge(UNILOBAR, SHORT),
    "unilobar_short_repeat": merge(UNILOBAR, SHORT, {"presentation.prior_hepatectomy": True}),
    "unilobar_short_ras_mutant": merge(UNILOBAR, SHORT, RAS_MUTANT),
    "unilobar_short_lung": merge(UNILOBAR, SHORT, LUNG),
    "unilobar_short_ecog3_fit": merge(
        UNILOBAR, SHORT, {"patient.ecog": 3, "patient.surgical_fitness": "fit"}
    ),
    "unilobar_short_peritoneum": merge(UNILOBAR, SHORT, ehd(site("peritoneum"))),
    "unilobar_short_synchronous": merge(UNILOBAR, SHORT, SYNCHRONOUS),
    "unilobar_short_3_cycles": merge(UNILOBAR, SHORT, SYNCHRONOUS, cycles(3, "stable")),
    "unilobar_short_4_cycles_stable": merge(UNILOBAR, SHORT, SYNCHRONOUS, cycles(4, "stable")),
    "unilobar_short_4_cycles_unknown": merge(UNILOBAR, SHORT, SYNCHRONOUS, cycles(4, None)),
    "unilobar_short_11_cycles": merge(UNILOBAR, SHORT, SYNCHRONOUS, cycles(11, "stable")),
    "unilobar_short_12_cycles": merge(UNILOBAR, SHORT, SYNCHRONOUS, cycles(12, "stable")),
    "short_three_small": merge({"liver.lesions": lesions(6, 7, 8, size_mm=30)}, SHORT),
    "short_four_small": merge({"liver.lesions": lesions(5, 6, 7, 8, size_mm=30)}, SHORT),
    "short_three_one_over_30": merge(
        liver_lesions(lesion(6, 30), lesion(7, 30), lesion(8, 30.1)), SHORT
    ),
    "short_dome_rfa": merge(liver_lesions(lesion(6, 15, subcapsular_or_dome=True)), SHORT),
    "short_dome_mwa": merge(liver_lesions(lesion(6, 25, subcapsular_or_dome=True)), SHORT),
    "bilobar_short_in_situ": merge(BILOBAR, SHORT, SYNCHRONOUS, IN_SITU),
    "bilobar_short_in_situ_rectum": merge(BILOBAR, SHORT, SYNCHRONOUS, IN_SITU, RECTUM),
    "bilobar_short_symptomatic": merge(BILOBAR, SHORT, SYNCHRONOUS, symptomatic("bleeding")),
    "unilobar_short_in_situ_rectum": merge(UNILOBAR, SHORT, SYNCHRONOUS, IN_SITU, RECTUM),
    "unilobar_short_in_situ_colon": merge(UNILOBAR, SHORT, SYNCHRONOUS, IN_SITU),
    "unilobar_short_in_situ_colon_major": merge(MAJOR, SHORT, SYNCHRONOUS, IN_SITU),
    "unilobar_short_symptomatic": merge(UNILOBAR, SHORT, SYNCHRONOUS, symptomatic("bleeding")),
    "short_extensive_r0_unknown": merge(EXTENSIVE, SHORT, R0_UNKNOWN),
    "cirrhosis_unilobar_flr_29_9": merge(CIRRHOSIS, UNILOBAR, flr(29.9)),
    "injured_unilobar_flr_39_9": merge(INJURED, UNILOBAR, flr(39.9)),
    # --- 4.4: the conversion plan ---
    "technically_unresectable_r0": NO_R0,
    "technically_unresectable_veins": {"liver.hepatic_veins_involved": 3},
    "technically_unresectable_pedicles": {"liver.both_portal_pedicles_involved": True},
    "technically_unresectable_all_segments": {"liver.lesions": lesions(1, 2, 3, 4, 5, 6, 7, 8)},
    "hepatic_veins_2": {"liver.hepatic_veins_involved": 2},
    "short_and_technically_unresectable": merge(NO_R0, SHORT),
    "extensive_no_r0": merge(EXTENSIVE, NO_R0),
    "extensive_no_r0_flr_unknown": merge(EXTENSIVE, NO_R0, flr(None)),
    "extensive_no_r0_lung": merge(EXTENSIVE, NO_R0, LUNG),
    "conversion_peritoneum": merge(NO_R0, ehd(site("peritoneum"))),
    "conversion_in_situ": merge(NO_R0, SYNCHRONOUS, IN_SITU),
    "conversion_symptomatic": merge(NO_R0, SYNCHRONOUS, symptomatic("bleeding")),
    "r0_unknown_extensive_in_situ": merge(EXTENSIVE, R0_UNKNOWN, SYNCHRONOUS, IN_SITU),
    # --- 4.5: the ablation plan ---
    "unfit_one_lesion_32": UNFIT,
    "declines_one_lesion_32": {"patient.declines_surgery": True},
    "unfit_three_small": merge(
        UNFIT,
        liver_lesions(lesion(2, 10), lesion(4, 25), lesion(7, 28, near_major_vessel=True)),
    ),
    "unfit_three_30": merge(UNFIT, {"liver.lesions": lesions(2, 4, 7, size_mm=30)}),
    "unfit_three_one_30_1": merge(
        UNFIT, liver_lesions(lesion(2, 30), lesion(4, 30), lesion(7, 30.1))
    ),
    "unfit_four_small": merge(UNFIT, {"liver.lesions": lesions(2, 3, 6, 7, size_mm=25)}),
    "unfit_five_lesions": merge(UNFIT, {"liver.lesions": lesions(2, 3, 5, 6, 7, size_mm=25)}),
    "unfit_six_lesions": merge(UNFIT, SIX_LESIONS),
    "unfit_six_lesions_second_line": merge(UNFIT, SIX_LESIONS, SECOND_LINE),
    "unfit_six_lesions_second_line_ecog2": merge(
        UNFIT, SIX_LESIONS, SECOND_LINE, {"patient.ecog": 2}
    ),
    "unfit_six_lesions_second_line_ecog3": merge(SIX_LESIONS, SECOND_LINE, {"patient.ecog": 3}),
    "unfit_lesion_50": merge(UNFIT, liver_lesions(lesion(6, 50))),
    "unfit_lesion_50_1": merge(UNFIT, liver_lesions(lesion(6, 50.1))),
    "unfit_lesion_50_1_second_line": merge(UNFIT, liver_lesions(lesion(6, 50.1)), SECOND_LINE),
    "unfit_two_ablatable_one_not": merge(
        UNFIT, liver_lesions(lesion(2, 10), lesion(6, 60)), SECOND_LINE
    ),
    "unfit_lung": merge(UNFIT, LUNG),
    "unfit_bone": merge(UNFIT, BONE, SECOND_LINE),
    "bone_metastasis": BONE,
    "brain_metastasis": ehd(site("brain")),
    "other_site_resectable": ehd(site("other")),
    "coeliac_nodes_resectable": ehd(site("coeliac_or_paraaortic_nodes")),
    "two_resectable_sites": ehd(site("lung"), site("ovary")),
    "unfit_dome_rfa": merge(UNFIT, liver_lesions(lesion(6, 15, subcapsular_or_dome=True))),
    "unfit_dome_mwa": merge(UNFIT, liver_lesions(lesion(6, 25, subcapsular_or_dome=True))),
    "unfit_dome_peribiliary": merge(
        UNFIT, liver_lesions(lesion(6, 25, subcapsular_or_dome=True, peribiliary=True))
    ),
    "unfit_dome_near_vessel": merge(
        UNFIT, liver_lesions(lesion(6, 15, subcapsular_or_dome=True, near_major_vessel=True))
    ),
    "unfit_dome_second_lesion": merge(
        UNFIT, liver_lesions(lesion(2, 25), lesion(6, 10, subcapsular_or_dome=True))
    ),
    "unfit_symptomatic_systemic": merge(UNFIT, SIX_LESIONS, IN_SITU, symptomatic("bleeding")),
    "unfit_symptomatic_systemic_ras_mutant": merge(
        UNFIT, SIX_LESIONS, symptomatic("bleeding"), RAS_MUTANT
    ),
    "unfit_symptomatic_ablation": merge(UNFIT, symptomatic("obstruction")),
    # --- 4.6 ---
    "regimen_msi_high_ecog3": merge(
        CONVERSION,
        {"biomarkers.msi": "msi_high", "patient.ecog": 3, "patient.surgical_fitness": "fit"},
    ),
    "regimen_ecog3": merge(
        CONVERSION, RIGHT, RAS_MUTANT, {"patient.ecog": 3, "patient.surgical_fitness": "fit"}
    ),
    "regimen_triplet_right": merge(CONVERSION, RIGHT),
    "regimen_triplet_ras_mutant": merge(CONVERSION, RAS_MUTANT),
    "regimen_triplet_braf": merge(CONVERSION, {"biomarkers.braf_v600e": "present"}),
    "regimen_triplet_age_70": merge(CONVERSION, RAS_MUTANT, {"patient.age": 70}),
    "regimen_triplet_age_71": merge(CONVERSION, RAS_MUTANT, {"patient.age": 71}),
    "regimen_triplet_ecog_1": merge(CONVERSION, RAS_MUTANT, {"patient.ecog": 1}),
    "regimen_triplet_ecog_2": merge(CONVERSION, RAS_MUTANT, {"patient.ecog": 2}),
    "regimen_second_line_right": merge(CONVERSION, RIGHT, SECOND_LINE),
    "regimen_second_line_left": merge(CONVERSION, SECOND_LINE),
    "regimen_triplet_lung": merge(CONVERSION, RAS_MUTANT, LUNG),
    "regimen_ras_unknown": merge(CONVERSION, {"biomarkers.ras": "unknown"}),
    "regimen_braf_unknown": merge(CONVERSION, {"biomarkers.braf_v600e": "unknown"}),
    "regimen_rectum": merge(CONVERSION, RECTUM),
    "regimen_left_wild_type": CONVERSION,
    "regimen_systemic_right": merge(UNFIT, SIX_LESIONS, RIGHT),
    "regimen_systemic_ras_mutant": merge(UNFIT, SIX_LESIONS, RAS_MUTANT),
    "regimen_msi_high_systemic": merge(UNFIT, SIX_LESIONS, {"biomarkers.msi": "msi_high"}),
    "bevacizumab_bleeding": merge(
        CONVERSION, SYNCHRONOUS, SECOND_LINE, RAS_MUTANT, symptomatic("bleeding")
    ),
    "bevacizumab_perforation": merge(
        CONVERSION, SYNCHRONOUS, SECOND_LINE, RAS_MUTANT, symptomatic("perforation")
    ),
    "bevacizumab_obstruction": merge(
        CONVERSION, SYNCHRONOUS, SECOND_LINE, RAS_MUTANT, symptomatic("obstruction")
    ),
    "triplet_perforation": merge(CONVERSION, SYNCHRONOUS, RAS_MUTANT, symptomatic("perforation")),
    "fluoropyrimidine_bleeding": merge(
        CONVERSION,
        SYNCHRONOUS,
        symptomatic("bleeding"),
        {"patient.ecog": 3, "patient.surgical_fitness": "fit"},
    ),
    "anti_egfr_bleeding": merge(CONVERSION, SYNCHRONOUS, SECOND_LINE, symptomatic("bleeding")),
    # --- warnings ---
    "node_unknown": {"primary.node_positive": None},
    "cea_and_interval_unknown": {
        "biomarkers.cea_ng_ml": None,
        "presentation.disease_free_interval_months": None,
    },
    "node_unknown_unfit": merge(UNFIT, {"primary.node_positive": None}),
    "node_unknown_potentially": merge(NO_R0, {"primary.node_positive": None}),
    "right_colon_wild_type": RIGHT,
    "right_colon_ras_unknown": merge(RIGHT, {"biomarkers.ras": "unknown"}),
    "right_colon_ras_mutant": merge(RIGHT, RAS_MUTANT),
    "ras_unknown_perioperative": merge(SYNCHRONOUS, {"biomarkers.ras": "unknown"}),
    "ras_unknown_resectable": {"biomarkers.ras": "unknown"},
    "braf_unknown_unfit": merge(UNFIT, {"biomarkers.braf_v600e": "unknown"}),
    "msi_unknown": {"biomarkers.msi": "unknown"},
    "injured_unfit": merge(UNFIT, INJURED),
    "injured_resectable": INJURED,
    "ras_mutant_resectable": RAS_MUTANT,
    "ras_mutant_repeat": merge(RAS_MUTANT, {"presentation.prior_hepatectomy": True}),
    "ras_mutant_perioperative": merge(RAS_MUTANT, SYNCHRONOUS),
    "ras_mutant_conversion": merge(RAS_MUTANT, NO_R0, SECOND_LINE),
    "ras_mutant_unfit": merge(RAS_MUTANT, UNFIT),
    "disappeared": merge(cycles(4, "partial"), {"liver.lesions[0].disappeared": True}),
    "disappeared_unfit": merge(UNFIT, cycles(4, "partial"), {"liver.lesions[0].disappeared": True}),
    # --- work-up ---
    "nothing_done": NOTHING_DONE,
    "nothing_done_potentially": merge(NOTHING_DONE, NO_R0),
    "nothing_done_unfit_ablation": merge(NOTHING_DONE, UNFIT),
    "nothing_done_unfit_systemic": merge(NOTHING_DONE, UNFIT, SIX_LESIONS),
    "nothing_done_bone": merge(NOTHING_DONE, BONE),
    "nothing_done_in_situ": merge(NOTHING_DONE, IN_SITU),
    "cirrhosis_resectable": CIRRHOSIS,
    "cirrhosis_unfit": merge(CIRRHOSIS, UNFIT),
    "flr_unknown_major_unfit": merge(MAJOR, flr(None), UNFIT),
    "flr_unknown_major_conversion": merge(MAJOR, flr(None), NO_R0),
    "r0_unknown_unfit": merge(R0_UNKNOWN, UNFIT),
    "r0_unknown_bone": merge(R0_UNKNOWN, BONE),
    "r0_unknown_short": merge(R0_UNKNOWN, UNILOBAR, SHORT),
}


@cache
def outcome(name: str) -> PathwayResult:
    return run(**CASES[name])


def plan_of(name: str) -> str:
    return outcome(name).derived.plan


def roles_of(name: str) -> dict[str, str]:
    return roles(outcome(name))


def warnings_of(name: str) -> set[str]:
    return warning_codes(outcome(name))


def workup_of(name: str) -> set[str]:
    return workup_codes(outcome(name))


def regimen_of(name: str) -> str:
    found = [code for code in roles_of(name) if code in REGIMENS]
    assert len(found) == 1, found
    assert roles_of(name)[found[0]] == "adjunct"
    return found[0]


def trace_line(name: str, rule: str) -> TraceLine:
    lines = [line for line in outcome(name).trace if line.rule == rule]
    assert len(lines) == 1, f"{len(lines)} trace lines for {rule}"
    return lines[0]
