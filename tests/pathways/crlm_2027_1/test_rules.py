"""The rules crlm-2027.1 changed, each at its boundary (the examples README's list): the extent
of the hepatectomy, readiness after 4 cycles, ECOG 2 and 3 (fit or not, chemo-refractory or
not), lesion counts with disappeared lesions, the visible sum, 30 mm, prior lines, the early
relapse after adjuvant oxaliplatin, MSI-high with and without prior immunotherapy, BRAF with
each RAS status, the hemiliver ablated, and what the trace and the wording say."""

import pytest

from apps.pathways.result import result_to_dict
from tests.pathways.crlm_2027_1.builders import (
    NOT_A_CANDIDATE,
    SYNCHRONOUS,
    TREATED,
    lesion,
    lesions,
    roles,
    run,
    site,
    warning_codes,
    workup_codes,
)

COLON_IN_SITU = {"primary.in_situ": True, **SYNCHRONOUS}
UNPLANNED = {"liver.planned_resection": None}


def trace_line(result, rule: str):
    return next(line for line in result.trace if line.rule == rule)


# --- the extent of the hepatectomy (section 2) ---------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "major"),
    [
        ({"liver.lesions": lesions(5, 6)}, False),
        ({"liver.lesions": lesions(5, 6, 7)}, True),  # 3 segments
        ({"liver.lesions": [lesion(6, 50)]}, False),
        ({"liver.lesions": [lesion(6, 50.1)]}, True),  # a lesion over 50 mm
        ({"liver.hepatic_veins_involved": 0}, False),
        ({"liver.hepatic_veins_involved": 1}, True),  # an involved hepatic vein
    ],
)
def test_major_hepatectomy_is_guessed_when_the_surgeon_has_not_planned(overrides, major):
    result = run(**UNPLANNED, **overrides)
    assert result.derived.major_hepatectomy_expected is major
    assert result.derived.resection_extent == "assumed"
    assert "[choice]" in trace_line(result, "major_hepatectomy_expected").because


@pytest.mark.parametrize("planned", ["minor", "major"])
def test_the_surgeons_plan_replaces_the_guess(planned):
    result = run(**{"liver.planned_resection": planned, "liver.lesions": lesions(5, 6, 7)})
    assert result.derived.major_hepatectomy_expected is (planned == "major")
    assert result.derived.resection_extent == "planned"
    assert "[choice]" not in trace_line(result, "major_hepatectomy_expected").because


def test_the_planned_extent_decides_simultaneous_or_staged_resection():
    three = {"liver.lesions": lesions(5, 6, 7, size_mm=20), **COLON_IN_SITU}
    minor = run(**three, **{"liver.planned_resection": "minor"})
    assert roles(minor)["SIMULTANEOUS_RESECTION"] == "sequence"
    major = run(**three, **{"liver.planned_resection": "major"})
    assert roles(major)["STAGED_RESECTION"] == "sequence"
    assert "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY" in warning_codes(major)
    assert "RESECTION_EXTENT_ASSUMED" not in warning_codes(major)


def test_a_guess_that_decides_the_sequencing_is_flagged_with_a_surgical_review():
    result = run(**UNPLANNED, **COLON_IN_SITU, **{"liver.hepatic_veins_involved": 1})
    assert roles(result)["STAGED_RESECTION"] == "sequence"
    assert {"RESECTION_EXTENT_ASSUMED", "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY"} <= warning_codes(
        result
    )
    assert "HPB_SURGICAL_REVIEW" in workup_codes(result)
    severity = {item.code: item.severity for item in result.warnings}
    assert severity["RESECTION_EXTENT_ASSUMED"] == "caution"


def test_a_guess_that_decides_volumetry_is_flagged():
    result = run(**UNPLANNED, **{"liver.flr_percent": None, "liver.lesions": [lesion(6, 55)]})
    assert {"FLR_NOT_MEASURED", "RESECTION_EXTENT_ASSUMED"} <= warning_codes(result)
    assert {"CT_VOLUMETRY", "HPB_SURGICAL_REVIEW"} <= workup_codes(result)


def test_a_guess_that_decides_nothing_is_not_flagged():
    result = run(**UNPLANNED, **{"liver.lesions": [lesion(6, 55)]})  # FLR measured, no primary
    assert result.derived.major_hepatectomy_expected is True
    assert "RESECTION_EXTENT_ASSUMED" not in warning_codes(result)
    assert "HPB_SURGICAL_REVIEW" not in workup_codes(result)


def test_the_ablation_route_counts_as_no_major_hepatectomy_and_is_not_flagged():
    result = run(
        **UNPLANNED,
        **COLON_IN_SITU,
        **{"liver.flr_percent": 15, "liver.lesions": lesions(5, 6, 7, size_mm=20)},
    )
    assert result.derived.plan == "4.4"
    assert roles(result)["LOCAL_ABLATIVE_THERAPY"] == "primary"
    assert roles(result)["SIMULTANEOUS_RESECTION"] == "sequence"
    assert "RESECTION_EXTENT_ASSUMED" not in warning_codes(result)


# --- readiness after 4 cycles -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cycles", "response", "ready"),
    [(3, "partial", False), (4, "partial", True), (4, None, True), (4, "stable", True)],
)
def test_four_cycles_without_progression_are_ready_an_unknown_response_included(
    cycles, response, ready
):
    result = run(
        **SYNCHRONOUS,
        **{"treatment.preoperative_cycles": cycles, "treatment.latest_response": response},
    )
    assert result.derived.ready_for_surgery is ready
    primary = result.primary
    if ready:
        assert primary.code == "HEPATECTOMY"
        assert "PERIOPERATIVE_CHEMOTHERAPY" not in roles(result)
        if response is None:
            assert "after restaging shows no progression" in primary.rationale
            assert "RESTAGING_IMAGING" in workup_codes(result)
            assert "[choice]" in trace_line(result, "ready_for_surgery").because
    else:
        assert primary.code == "PERIOPERATIVE_CHEMOTHERAPY"


def test_favourable_and_ready_are_null_for_a_patient_who_is_not_a_candidate():
    result = run(**NOT_A_CANDIDATE)
    assert result.derived.favourable is None and result.derived.ready_for_surgery is None
    assert result_to_dict(result)["derived"]["favourable"] is None


# --- ECOG 3 and the plan choice ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "plan"),
    [
        ({"patient.ecog": 3}, "4.0b"),  # unfit by default at ECOG 3: unresectable
        ({"patient.ecog": 3, "patient.surgical_fitness": "fit"}, "4.3"),
        (
            {"patient.ecog": 3, "patient.surgical_fitness": "fit", "liver.flr_percent": 15},
            "4.4",
        ),
        (
            {
                "patient.ecog": 3,
                "patient.surgical_fitness": "fit",
                "liver.flr_percent": 15,
                "treatment.chemo_refractory": True,
                "treatment.prior_systemic_lines": 2,
            },
            "4.0b",
        ),
        (
            {
                "patient.ecog": 3,
                "patient.surgical_fitness": "fit",
                "treatment.chemo_refractory": True,
                "treatment.prior_systemic_lines": 2,
            },
            "4.3",
        ),
        (
            {
                "patient.ecog": 2,
                "liver.flr_percent": 15,
                "treatment.chemo_refractory": True,
                "treatment.prior_systemic_lines": 2,
            },
            "4.1",
        ),
        ({"patient.ecog": 4}, "4.0"),
    ],
)
def test_the_plan_at_ecog_2_3_and_4(overrides, plan):
    assert run(**overrides).derived.plan == plan


def test_a_fit_ecog_3_patient_refractory_and_not_resectable_reads_as_a_choice():
    result = run(
        **{
            "patient.ecog": 3,
            "patient.surgical_fitness": "fit",
            "liver.flr_percent": 15,
            "treatment.chemo_refractory": True,
            "treatment.prior_systemic_lines": 1,
        }
    )
    assert "[choice]" in trace_line(result, "plan").because
    assert result.primary.code == "BEST_SUPPORTIVE_CARE"
    assert "CHANGE_SYSTEMIC_LINE" not in roles(result)  # no systemic alternative


@pytest.mark.parametrize(
    ("treatment", "systemic"),
    [
        ({}, "SYSTEMIC_THERAPY"),  # untreated
        ({"treatment.prior_systemic_lines": 1}, "CHANGE_SYSTEMIC_LINE"),
        (
            {"treatment.preoperative_cycles": 3, "treatment.latest_response": "progressive"},
            "CHANGE_SYSTEMIC_LINE",
        ),  # a first course failing now
        ({"treatment.prior_systemic_lines": 2}, None),
        ({"treatment.prior_systemic_lines": 1, "treatment.chemo_refractory": True}, None),
    ],
)
def test_ecog_3_supportive_care_with_its_systemic_alternative(treatment, systemic):
    result = run(**{"patient.ecog": 3, "liver.lesions": [lesion(6, 45)], **treatment})
    assert result.derived.plan == "4.0b"
    found = roles(result)
    assert found["BEST_SUPPORTIVE_CARE"] == "primary"
    systemic_codes = {"SYSTEMIC_THERAPY", "CHANGE_SYSTEMIC_LINE"} & set(found)
    assert systemic_codes == ({systemic} if systemic else set())
    if systemic:
        assert found[systemic] == "alternative"
        alternative = next(item for item in result.recommendations if item.code == systemic)
        assert "caused by the cancer" in alternative.rationale
    if systemic == "SYSTEMIC_THERAPY":
        assert found["FLUOROPYRIMIDINE_BEVACIZUMAB"] == "adjunct"
    assert "LOCAL_ABLATIVE_THERAPY" not in found  # 45 mm is not small


def test_ecog_3_with_few_small_lesions_offers_ablation_first():
    result = run(**{"patient.ecog": 3, "liver.lesions": lesions(2, 6, size_mm=20)})
    alternatives = [item.code for item in result.recommendations if item.role == "alternative"]
    assert alternatives[:2] == ["LOCAL_ABLATIVE_THERAPY", "SYSTEMIC_THERAPY"]
    assert [entry.segment for entry in result.lesion_plan] == [2, 6]
    assert not {"RFA", "MWA", "SBRT"} & set(roles(result))


# --- lesion counts, disappeared lesions, the visible sum, 30 mm -------------------------------


@pytest.mark.parametrize(
    ("sites", "offered"),
    [
        ([lesion(6, 30), lesion(2, 12), lesion(3, 40, disappeared=True)], True),
        ([lesion(6, 30.1), lesion(2, 12)], False),
        ([lesion(6, 20), lesion(2, 12), lesion(3, 15), lesion(4, 40, disappeared=True)], False),
        ([lesion(6, 20, disappeared=True)], False),  # no visible lesion
    ],
)
def test_the_resectable_ablation_alternative_counts_disappeared_lesions_and_sizes_visible_ones(
    sites, offered
):
    result = run(**TREATED, **{"liver.lesions": sites})
    assert ("LOCAL_ABLATIVE_THERAPY" in roles(result)) is offered
    if offered:
        disappeared = [entry for entry in result.lesion_plan if entry.disappeared]
        assert [entry.modalities for entry in disappeared] == [()]


def _unfit(*sites):
    return run(**NOT_A_CANDIDATE, **TREATED, **{"liver.lesions": list(sites)})


def test_the_unfit_ablation_plan_at_five_lesions_and_a_visible_sum_of_100():
    five = _unfit(*lesions(2, 3, 5, 6, size_mm=25), lesion(7, 40, disappeared=True))
    assert five.derived.plan == "4.5"
    assert five.primary.code == "SYSTEMIC_THERAPY"
    assert roles(five)["LOCAL_ABLATIVE_THERAPY"] == "adjunct"
    six = _unfit(*lesions(2, 3, 5, 6, 7, size_mm=10), lesion(8, 40, disappeared=True))
    assert "LOCAL_ABLATIVE_THERAPY" not in roles(six)
    sum_100 = _unfit(*lesions(2, 3, 5, size_mm=25), lesion(6, 25))
    assert "LOCAL_ABLATIVE_THERAPY" in roles(sum_100)
    sum_101 = _unfit(*lesions(2, 3, 5, size_mm=25), lesion(6, 26))
    assert "LOCAL_ABLATIVE_THERAPY" not in roles(sum_101)
    assert result_to_dict(sum_101)["derived"]["visible_sum_mm"] == 101


def test_the_unfit_ablation_alone_for_three_lesions_whatever_their_ablatable_size():
    result = _unfit(lesion(2, 45), lesion(6, 40), lesion(7, 12, disappeared=True))
    assert result.primary.code == "LOCAL_ABLATIVE_THERAPY"
    assert {code for code, role in roles(result).items() if role == "adjunct"} == {"SBRT"}
    assert [entry.disappeared for entry in result.lesion_plan] == [False, False, True]


# --- prior lines, early relapse, MSI-high, BRAF ---------------------------------------------------


@pytest.mark.parametrize(("interval", "early"), [(11.9, True), (12, False)])
def test_a_relapse_within_12_months_of_adjuvant_oxaliplatin_avoids_oxaliplatin(interval, early):
    result = run(
        **TREATED,
        **{
            "presentation.disease_free_interval_months": interval,
            "treatment.adjuvant_oxaliplatin": True,
        },
    )
    assert result.primary.code == "HEPATECTOMY"
    assert ("OXALIPLATIN_EARLY_RELAPSE" in warning_codes(result)) is early
    adjuvant = next(item for item in result.recommendations if item.code == "ADJUVANT_CHEMOTHERAPY")
    assert ("irinotecan" in adjuvant.rationale) is early


def test_an_early_relapse_rules_out_the_triplet_and_hai():
    result = run(
        **{
            "presentation.disease_free_interval_months": 7,
            "treatment.adjuvant_oxaliplatin": True,
            "biomarkers.ras": "mutant",
            "liver.r0_feasible": None,
            "liver.lesions": lesions(2, 3, 4, 5, 6, 7, size_mm=20),
        }
    )
    assert result.primary.code == "CONVERSION_CHEMOTHERAPY"
    assert not {"FOLFOXIRI_BEVACIZUMAB", "HAI_FUDR_WITH_SYSTEMIC"} & set(roles(result))
    assert "DOUBLET_BEVACIZUMAB" in roles(result)
    assert any(line.result == "not chosen" for line in result.trace)


@pytest.mark.parametrize(
    ("prior", "primary"),
    [(False, "IMMUNE_CHECKPOINT_INHIBITOR"), (True, "CONVERSION_CHEMOTHERAPY")],
)
def test_msi_high_conversion_with_and_without_prior_immunotherapy(prior, primary):
    result = run(
        **TREATED,
        **{
            "biomarkers.msi": "msi_high",
            "treatment.prior_immunotherapy": prior,
            "liver.hepatic_veins_involved": 3,
        },
    )
    assert result.primary.code == primary
    assert "HAI_FUDR_WITH_SYSTEMIC" not in roles(result)
    if prior:
        assert "IMMUNE_CHECKPOINT_INHIBITOR" not in roles(result)


@pytest.mark.parametrize(
    ("ras", "encorafenib"), [("wild_type", True), ("unknown", True), ("mutant", False)]
)
def test_braf_v600e_gets_encorafenib_with_cetuximab_only_without_a_ras_mutation(ras, encorafenib):
    result = run(
        **{
            "biomarkers.ras": ras,
            "biomarkers.braf_v600e": "present",
            "primary.site": "right_colon",
            "treatment.prior_systemic_lines": 1,
            "treatment.preoperative_cycles": 2,
            "treatment.latest_response": "progressive",
        }
    )
    assert result.derived.plan == "4.2"
    assert ("ENCORAFENIB_CETUXIMAB" in roles(result)) is encorafenib
    # A right-sided tumour is warned off anti-EGFR unless encorafenib with cetuximab is given.
    right_sided_warning = "NO_ANTI_EGFR_RIGHT_SIDED" in warning_codes(result)
    assert right_sided_warning is (ras != "mutant" and not encorafenib)


@pytest.mark.parametrize(("lines", "encorafenib"), [(0, False), (1, True)])
def test_encorafenib_as_a_regimen_needs_a_prior_line(lines, encorafenib):
    result = run(
        **{
            "biomarkers.braf_v600e": "present",
            "treatment.prior_systemic_lines": lines,
            "extrahepatic.sites": [site("bone")],
        }
    )
    assert result.derived.plan == "4.5"
    assert ("ENCORAFENIB_CETUXIMAB" in roles(result)) is encorafenib


# --- the regimen (4.6) ---------------------------------------------------------------------------


def _unresectable(**overrides):
    return run(**{"extrahepatic.sites": [site("bone")], **overrides})


def test_ecog_2_gets_capecitabine_outside_conversion():
    assert "FLUOROPYRIMIDINE_BEVACIZUMAB" in roles(_unresectable(**{"patient.ecog": 2}))
    assert "FLUOROPYRIMIDINE_BEVACIZUMAB" not in roles(_unresectable(**{"patient.ecog": 1}))


def test_age_alone_does_not_de_escalate_but_asks_for_a_geriatric_assessment():
    result = _unresectable(**{"patient.age": 76, "biomarkers.ras": "mutant"})
    regimen = next(item for item in result.recommendations if item.code == "DOUBLET_BEVACIZUMAB")
    assert "geriatric assessment" in regimen.rationale


@pytest.mark.parametrize(
    ("biomarkers", "code"),
    [
        ({"biomarkers.ras": "unknown"}, "DOUBLET_CHEMOTHERAPY"),
        (
            {"biomarkers.ras": "wild_type", "biomarkers.braf_v600e": "unknown"},
            "DOUBLET_CHEMOTHERAPY",
        ),
        ({"biomarkers.ras": "unknown", "primary.site": "right_colon"}, "DOUBLET_BEVACIZUMAB"),
        ({"biomarkers.ras": "wild_type", "biomarkers.braf_v600e": "absent"}, "DOUBLET_ANTI_EGFR"),
    ],
)
def test_the_doublet_follows_ras_braf_and_side(biomarkers, code):
    assert code in roles(_unresectable(**biomarkers))


def test_a_bleeding_primary_gets_a_doublet_without_bevacizumab():
    result = _unresectable(
        **{
            "biomarkers.ras": "mutant",
            "primary.in_situ": True,
            "primary.symptoms": ["bleeding"],
            **SYNCHRONOUS,
        }
    )
    found = roles(result)
    assert "DOUBLET_CHEMOTHERAPY" in found and "DOUBLET_BEVACIZUMAB" not in found
    assert "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY" not in warning_codes(result)
    assert found["PRIMARY_PALLIATION"] == "sequence"


# --- the two-stage route's hemiliver --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sites", "side_segments"),
    [
        (lesions(2, 3, 6, 7, size_mm=20), [2, 3]),  # both qualify: the left one [choice]
        ([*lesions(2, 3, 4, 4, size_mm=20), *lesions(6, 7, size_mm=20)], [6, 7]),  # 4 on the left
        ([lesion(2, 20, disappeared=True), *lesions(6, 7, 7, 8, size_mm=20)], None),
    ],
)
def test_resection_with_ablation_ablates_the_qualifying_hemiliver(sites, side_segments):
    result = run(**TREATED, **{"liver.flr_percent": 15, "liver.lesions": sites})
    assert result.primary.code == "TWO_STAGE_HEPATECTOMY"
    assert roles(result)["REVOLUMETRY_AFTER_PVE"] == "monitoring"
    if side_segments is None:
        assert "RESECTION_WITH_ABLATION" not in roles(result)
        assert result.lesion_plan == ()
    else:
        assert roles(result)["RESECTION_WITH_ABLATION"] == "alternative"
        assert [entry.segment for entry in result.lesion_plan] == side_segments
        staged = next(
            item for item in result.recommendations if item.code == "RESECTION_WITH_ABLATION"
        )
        assert "staged plan" in staged.rationale


def test_pve_always_comes_with_revolumetry():
    result = run(**{"liver.flr_percent": 25, "liver.planned_resection": "major"})
    assert roles(result)["PORTAL_VEIN_EMBOLIZATION"] == "alternative"
    assert roles(result)["REVOLUMETRY_AFTER_PVE"] == "monitoring"


# --- new warnings, the trace and the wording -----------------------------------------------------


def test_a_caudate_lesion_and_bevacizumab_in_course_are_flagged_before_a_hepatectomy():
    result = run(
        **TREATED,
        **{"liver.lesions": [lesion(1, 20)], "treatment.bevacizumab_in_course": True},
    )
    assert {"CAUDATE_LESION", "BEVACIZUMAB_INTERVAL"} <= warning_codes(result)
    assert all(item.severity in {"caution", "info"} for item in result.warnings)


def test_choice_is_said_only_on_the_choice_the_case_reached():
    simultaneous = run(**COLON_IN_SITU)
    line = trace_line(simultaneous, "SIMULTANEOUS_RESECTION")
    assert "[choice]" not in line.because
    staged = run(**COLON_IN_SITU, **{"liver.planned_resection": "major"})
    assert "[choice]" in trace_line(staged, "STAGED_RESECTION").because
    # A derived rule marked [choice] in the SPEC, not reached here: no mark.
    assert "[choice]" not in trace_line(simultaneous, "extensive_liver_disease").because


def test_the_trace_lists_what_was_considered_and_not_chosen():
    result = run(**{"liver.lesions": lesions(2, 3, 6, 7, size_mm=20)})
    not_chosen = {line.rule: line.because for line in result.trace if line.result == "not chosen"}
    assert "LOCAL_ABLATIVE_THERAPY" in not_chosen
    assert "4 lesions, more than 3" in not_chosen["LOCAL_ABLATIVE_THERAPY"]


def test_the_patient_who_declines_surgery_is_said_to_decline_it():
    result = run(**{"patient.declines_surgery": True})
    assert "declines surgery" in result.summary
    assert "not a surgical candidate" not in result.summary


def test_the_fong_warning_reads_in_words():
    result = run(
        **{
            "primary.node_positive": None,
            "biomarkers.cea_ng_ml": None,
            "liver.lesions": lesions(6, 7),
        }
    )
    message = next(item.message for item in result.warnings if item.code == "FONG_INCOMPLETE")
    assert message.startswith("Fong score: 1 point known; up to 3 if node status and CEA are")
    assert "node_positive" not in message


def test_no_count_is_written_with_a_bracketed_plural():
    for overrides in (
        {},
        {"liver.lesions": lesions(5, 6, 7)},
        {**SYNCHRONOUS, "treatment.preoperative_cycles": 1, "treatment.latest_response": "stable"},
        {"treatment.preoperative_cycles": 0},
    ):
        written = result_to_dict(run(**overrides))
        text = str(written)
        assert "(s)" not in text and "((" not in text and "))" not in text


def test_a_refractory_case_that_is_resectable_and_progressing_is_resected_with_the_warning():
    """SPEC section 4, rule 4: progression leads to 4.2 only when the disease is not
    chemo-refractory; a refractory case that is resectable goes to 4.3 (resection is the one
    curative option left), and the warning says what progression costs."""
    result = run(
        **{
            "treatment.preoperative_cycles": 2,
            "treatment.latest_response": "progressive",
            "treatment.chemo_refractory": True,
        }
    )
    assert result.resectability == "resectable"
    assert result.derived.plan == "4.3"
    assert roles(result)["HEPATECTOMY"] == "primary"
    assert "PROGRESSION_ON_CHEMOTHERAPY" in warning_codes(result)
