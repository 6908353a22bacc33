"""The derived values of SPEC sections 2 and 3, each function on its own, at every boundary.

Facts are built from the baseline case of `builders` and parsed, so every input is a valid one.
"""

import pytest

from apps.pathways.crlm_2026_1 import derived as d
from apps.pathways.facts import ExtrahepaticSiteFacts
from tests.pathways.crlm_2026_1.builders import SYNCHRONOUS, case, lesion, lesions
from tests.pathways.crlm_2026_1.version import parse_facts

FONG_KEYS = (
    "dfi_under_12_months",
    "multiple_lesions",
    "largest_over_50_mm",
    "node_positive",
    "cea_over_200",
)


def facts(**overrides):
    return parse_facts(case(**overrides))


def one_lesion(size_mm, **flags):
    return facts(**{"liver.lesions": [lesion(6, size_mm, **flags)]}).liver.lesions[0]


def liver(**overrides):
    return facts(**{f"liver.{key}": value for key, value in overrides.items()}).liver


def sites(*pairs):
    return tuple(ExtrahepaticSiteFacts(name, resectable) for name, resectable in pairs)


def criteria(score):
    return dict(score.criteria)


# --- segments, sides and extent -------------------------------------------------------------------


def test_segments_involved_are_the_distinct_segments_in_order():
    found = facts(**{"liver.lesions": lesions(7, 2, 7, 1, 2)}).liver.lesions
    assert d.segments_involved(found) == (1, 2, 7)


@pytest.mark.parametrize(
    ("segments", "bilobar"),
    [
        ((2, 5), True),
        ((4, 8), True),
        ((1, 2, 5), True),
        ((2, 3, 4), False),
        ((5, 6, 7, 8), False),
        ((1, 2), False),  # segment 1 belongs to neither side
        ((1, 5), False),
        ((1,), False),
    ],
)
def test_is_bilobar_needs_both_sides_and_ignores_segment_1(segments, bilobar):
    assert d.is_bilobar(segments) is bilobar


@pytest.mark.parametrize(
    ("segments", "major"),
    [((6,), False), ((5, 6), False), ((5, 6, 7), True), ((1, 2, 3), True), ((1, 2), False)],
)
def test_major_hepatectomy_expected_from_3_segments_counting_segment_1(segments, major):
    assert d.major_hepatectomy_expected(segments) is major


@pytest.mark.parametrize(
    ("lesion_count", "segments", "extensive"),
    [
        (5, (2, 3, 5, 6), False),
        (6, (6,), True),  # 6 lesions in one segment
        (5, (1, 2, 3, 5, 6), True),  # 5 segments, segment 1 counting
        (5, (2, 3, 5, 6, 7), True),
        (1, (6,), False),
    ],
)
def test_extensive_liver_disease_at_6_lesions_or_5_segments(lesion_count, segments, extensive):
    assert d.extensive_liver_disease(lesion_count, segments) is extensive


def _technically_unresectable(**overrides):
    found = liver(**overrides)
    return d.technically_unresectable(found, d.segments_involved(found.lesions))


def test_technically_unresectable_when_all_8_segments_are_involved():
    assert _technically_unresectable(lesions=lesions(1, 2, 3, 4, 5, 6, 7, 8)) is True
    assert _technically_unresectable(lesions=lesions(2, 3, 4, 5, 6, 7, 8)) is False


def test_technically_unresectable_when_all_3_hepatic_veins_are_involved():
    assert _technically_unresectable(hepatic_veins_involved=3) is True
    assert _technically_unresectable(hepatic_veins_involved=2) is False


def test_technically_unresectable_when_both_portal_pedicles_are_involved():
    assert _technically_unresectable(both_portal_pedicles_involved=True) is True


def test_technically_unresectable_when_r0_is_not_feasible_but_not_when_unknown():
    assert _technically_unresectable(r0_feasible=False) is True
    assert _technically_unresectable(r0_feasible=None) is False
    assert _technically_unresectable(r0_feasible=True) is False


def test_technically_unresectable_never_for_bilobar_disease_or_lesion_count_alone():
    assert _technically_unresectable(lesions=lesions(2, 5)) is False
    fifty = [lesion(2 + index % 6, 10) for index in range(50)]
    assert _technically_unresectable(lesions=fifty) is False


# --- ablation -------------------------------------------------------------------------------------

ABLATION = [
    # size, near_major_vessel, peribiliary, modalities in order of preference
    (5, False, False, ("RFA", "MWA", "SBRT")),
    (20, False, False, ("RFA", "MWA", "SBRT")),
    (20.1, False, False, ("MWA", "SBRT", "RFA")),
    (30, False, False, ("MWA", "SBRT", "RFA")),
    (30.1, False, False, ("SBRT", "MWA")),
    (50, False, False, ("SBRT", "MWA")),
    (50.1, False, False, ()),
    (120, False, False, ()),
    # near a major vessel: no RFA (heat sink), SBRT first above 20 mm
    (20, True, False, ("MWA", "SBRT")),
    (20.1, True, False, ("SBRT", "MWA")),
    (30, True, False, ("SBRT", "MWA")),
    (30.1, True, False, ("SBRT", "MWA")),
    (50, True, False, ("SBRT", "MWA")),
    (50.1, True, False, ()),
    # peribiliary: no MWA, RFA first up to 30 mm
    (20, False, True, ("RFA", "SBRT")),
    (20.1, False, True, ("RFA", "SBRT")),
    (30, False, True, ("RFA", "SBRT")),
    (30.1, False, True, ("SBRT",)),
    (50, False, True, ("SBRT",)),
    (50.1, False, True, ()),
    # both: neither RFA nor MWA
    (20, True, True, ("SBRT",)),
    (20.1, True, True, ("SBRT",)),
    (30, True, True, ("SBRT",)),
    (30.1, True, True, ("SBRT",)),
    (50, True, True, ("SBRT",)),
    (50.1, True, True, ()),
]


@pytest.mark.parametrize(("size_mm", "near_vessel", "peribiliary", "expected"), ABLATION)
def test_ablation_modalities_by_size_vessel_and_bile_duct(
    size_mm, near_vessel, peribiliary, expected
):
    found = one_lesion(size_mm, near_major_vessel=near_vessel, peribiliary=peribiliary)
    assert tuple(d.ablation_modalities(found)) == expected


def test_ablation_modalities_ignore_dome_and_disappeared_flags():
    found = one_lesion(25, subcapsular_or_dome=True, disappeared=True)
    assert tuple(d.ablation_modalities(found)) == ("MWA", "SBRT", "RFA")


# --- the patient and the treatment ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "candidate"),
    [
        ({}, True),
        ({"patient.ecog": 2}, True),  # fit by default up to ecog 2
        ({"patient.ecog": 3}, False),
        ({"patient.ecog": 3, "patient.surgical_fitness": "fit"}, True),
        ({"patient.ecog": 0, "patient.surgical_fitness": "unfit"}, False),
        ({"patient.ecog": 4}, False),
        ({"patient.declines_surgery": True}, False),
        ({"patient.surgical_fitness": "fit", "patient.declines_surgery": True}, False),
    ],
)
def test_surgical_candidate_is_fit_and_not_declining(overrides, candidate):
    assert d.surgical_candidate(facts(**overrides)) is candidate


@pytest.mark.parametrize(
    ("age", "ecog", "eligible"),
    [(70, 1, True), (71, 1, False), (70, 2, False), (18, 0, True), (45, 3, False)],
)
def test_triplet_eligible_up_to_age_70_and_ecog_1(age, ecog, eligible):
    assert d.triplet_eligible(facts(**{"patient.age": age, "patient.ecog": ecog})) is eligible


@pytest.mark.parametrize(
    ("overrides", "injured"),
    [
        ({}, False),
        ({"treatment.preoperative_cycles": 6, "treatment.latest_response": "partial"}, False),
        ({"treatment.preoperative_cycles": 7, "treatment.latest_response": "partial"}, True),
        ({"liver.parenchyma": "chemotherapy_injury"}, True),
        ({"liver.parenchyma": "cirrhosis"}, False),
        ({"treatment.chemo_refractory": True, "treatment.prior_systemic_lines": 3}, True),
    ],
)
def test_liver_injury_from_parenchyma_more_than_6_cycles_or_refractory_disease(overrides, injured):
    assert d.liver_injury(facts(**overrides)) is injured


def test_disease_free_interval_is_0_when_synchronous():
    assert d.disease_free_interval_months(facts(**SYNCHRONOUS)) == 0


def test_disease_free_interval_is_the_given_value_or_none_when_metachronous():
    assert d.disease_free_interval_months(facts()) == 30
    found = facts(**{"presentation.disease_free_interval_months": None})
    assert d.disease_free_interval_months(found) is None


# --- Fong clinical risk score ---------------------------------------------------------------------


def test_fong_score_of_the_baseline_is_0_and_complete():
    score = d.fong_score(facts())
    assert (score.score, score.worst_case, score.risk, score.complete) == (0, 0, "low", True)
    assert score.missing == ()
    assert tuple(key for key, _ in score.criteria) == FONG_KEYS
    assert set(criteria(score).values()) == {False}


@pytest.mark.parametrize(
    ("overrides", "key", "value"),
    [
        ({"presentation.disease_free_interval_months": 11.9}, "dfi_under_12_months", True),
        ({"presentation.disease_free_interval_months": 12}, "dfi_under_12_months", False),
        ({"presentation.disease_free_interval_months": 0}, "dfi_under_12_months", True),
        (SYNCHRONOUS, "dfi_under_12_months", True),
        ({"liver.lesions": lesions(6, 6)}, "multiple_lesions", True),
        ({"liver.lesions": [lesion(6, 50)]}, "largest_over_50_mm", False),
        ({"liver.lesions": [lesion(6, 50.1)]}, "largest_over_50_mm", True),
        ({"liver.lesions": [lesion(6, 300)]}, "largest_over_50_mm", True),
        ({"primary.node_positive": True}, "node_positive", True),
        ({"biomarkers.cea_ng_ml": 200}, "cea_over_200", False),
        ({"biomarkers.cea_ng_ml": 200.1}, "cea_over_200", True),
    ],
)
def test_fong_score_counts_each_criterion_at_its_boundary(overrides, key, value):
    score = d.fong_score(facts(**overrides))
    assert criteria(score)[key] is value
    assert score.score == (1 if value else 0)
    assert score.complete is True


def test_fong_score_counts_a_disappeared_lesion_at_its_size_before_chemotherapy():
    found = facts(**{"liver.lesions": [lesion(6, 60, disappeared=True), lesion(7, 10)]})
    score = d.fong_score(found)
    assert criteria(score)["largest_over_50_mm"] is True
    assert criteria(score)["multiple_lesions"] is True


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("presentation.disease_free_interval_months", "dfi_under_12_months"),
        ("primary.node_positive", "node_positive"),
        ("biomarkers.cea_ng_ml", "cea_over_200"),
    ],
)
def test_fong_score_lists_an_unknown_criterion_as_missing_and_scores_it_0(path, key):
    score = d.fong_score(facts(**{path: None}))
    assert criteria(score)[key] is None
    assert score.missing == (key,)
    assert (score.score, score.worst_case, score.complete) == (0, 1, False)


def test_fong_score_lists_missing_criteria_in_spec_order_and_adds_them_to_worst_case():
    score = d.fong_score(
        facts(
            **{
                "presentation.disease_free_interval_months": None,
                "primary.node_positive": None,
                "biomarkers.cea_ng_ml": None,
                "liver.lesions": [lesion(6, 60), lesion(7, 10)],
            }
        )
    )
    assert score.missing == ("dfi_under_12_months", "node_positive", "cea_over_200")
    assert (score.score, score.worst_case, score.complete) == (2, 5, False)


FONG_POINTS = {
    0: {},
    1: {"presentation.disease_free_interval_months": 6},
    2: {"presentation.disease_free_interval_months": 6, "primary.node_positive": True},
    3: {
        "presentation.disease_free_interval_months": 6,
        "primary.node_positive": True,
        "biomarkers.cea_ng_ml": 250,
    },
    4: {
        "presentation.disease_free_interval_months": 6,
        "primary.node_positive": True,
        "biomarkers.cea_ng_ml": 250,
        "liver.lesions": [lesion(6, 30), lesion(7, 10)],
    },
    5: {
        "presentation.disease_free_interval_months": 6,
        "primary.node_positive": True,
        "biomarkers.cea_ng_ml": 250,
        "liver.lesions": [lesion(6, 60), lesion(7, 10)],
    },
}


@pytest.mark.parametrize(
    ("points", "risk"),
    [(0, "low"), (1, "low"), (2, "low"), (3, "intermediate"), (4, "intermediate"), (5, "high")],
)
def test_fong_risk_group_boundaries_at_2_3_and_4_5(points, risk):
    score = d.fong_score(facts(**FONG_POINTS[points]))
    assert score.score == points
    assert score.risk == risk


def test_fong_risk_group_is_that_of_the_score_not_of_the_worst_case():
    score = d.fong_score(
        facts(
            **{
                "primary.node_positive": True,
                "presentation.disease_free_interval_months": 3,
                "biomarkers.cea_ng_ml": None,
            }
        )
    )
    assert (score.score, score.worst_case) == (2, 3)
    assert score.risk == "low"


# --- future liver remnant -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parenchyma", "injured", "required"),
    [
        ("normal", False, 20),
        ("cirrhosis", False, 30),
        ("chemotherapy_injury", True, 40),
        ("normal", True, 40),
        ("cirrhosis", True, 40),  # the highest row wins
    ],
)
def test_required_flr_percent_by_liver(parenchyma, injured, required):
    assert d.required_flr_percent(parenchyma, injured) == required


@pytest.mark.parametrize(
    ("overrides", "required"),
    [
        ({}, 20),
        ({"liver.parenchyma": "cirrhosis"}, 30),
        ({"liver.parenchyma": "chemotherapy_injury"}, 40),
        ({"treatment.preoperative_cycles": 7, "treatment.latest_response": "stable"}, 40),
        ({"treatment.preoperative_cycles": 6, "treatment.latest_response": "stable"}, 20),
        (
            {
                "liver.parenchyma": "cirrhosis",
                "treatment.preoperative_cycles": 7,
                "treatment.latest_response": "stable",
            },
            40,
        ),
    ],
)
def test_required_flr_percent_from_the_facts(overrides, required):
    found = facts(**overrides)
    assert d.flr_assessment(found.liver, d.liver_injury(found)).required_percent == required


@pytest.mark.parametrize(
    ("parenchyma", "injured", "measured", "sufficient"),
    [
        ("normal", False, 20, True),
        ("normal", False, 19.9, False),
        ("normal", False, 0, False),
        ("normal", False, 100, True),
        ("cirrhosis", False, 30, True),
        ("cirrhosis", False, 29.9, False),
        ("chemotherapy_injury", True, 40, True),
        ("chemotherapy_injury", True, 39.9, False),
        ("normal", True, 39.9, False),
        ("normal", False, None, None),
        ("cirrhosis", True, None, None),
    ],
)
def test_flr_assessment_is_sufficient_at_exactly_the_required_percent(
    parenchyma, injured, measured, sufficient
):
    assessment = d.flr_assessment(liver(parenchyma=parenchyma, flr_percent=measured), injured)
    assert assessment.measured_percent == measured
    assert assessment.sufficient is sufficient


@pytest.mark.parametrize(
    ("parenchyma", "injured", "measured", "borderline"),
    [
        ("normal", False, 19.9, False),
        ("normal", False, 20, True),
        ("normal", False, 29.9, True),
        ("normal", False, 30, False),
        ("normal", False, None, False),
        ("normal", True, 25, False),
        ("cirrhosis", False, 25, False),
        ("chemotherapy_injury", True, 25, False),
    ],
)
def test_flr_borderline_is_20_to_under_30_in_a_normal_uninjured_liver(
    parenchyma, injured, measured, borderline
):
    assert (
        d.flr_borderline(liver(parenchyma=parenchyma, flr_percent=measured), injured) is borderline
    )


# --- extrahepatic disease -------------------------------------------------------------------------


def test_ehd_class_is_none_without_sites():
    assert d.ehd_class((), 1, 0) == "none"


@pytest.mark.parametrize("name", ["lung", "portocaval_nodes", "ovary", "adrenal"])
def test_ehd_class_is_resectable_for_one_clearable_site_that_is_no_bar(name):
    assert d.ehd_class(sites((name, True)), 5, 2) == "resectable"


@pytest.mark.parametrize("name", ["coeliac_or_paraaortic_nodes", "bone", "brain", "other"])
def test_ehd_class_is_unresectable_for_a_site_with_no_benefit_even_if_clearable(name):
    assert d.ehd_class(sites((name, True)), 1, 0) == "unresectable"


@pytest.mark.parametrize("name", ["lung", "portocaval_nodes", "ovary", "adrenal", "peritoneum"])
def test_ehd_class_is_unresectable_when_the_site_cannot_be_cleared(name):
    assert d.ehd_class(sites((name, False)), 1, 0) == "unresectable"


@pytest.mark.parametrize(
    ("lesion_count", "ecog", "expected"),
    [(3, 1, "resectable"), (4, 1, "unresectable"), (3, 2, "unresectable"), (1, 0, "resectable")],
)
def test_ehd_class_of_peritoneum_needs_3_lesions_or_fewer_and_ecog_1_or_less(
    lesion_count, ecog, expected
):
    assert d.ehd_class(sites(("peritoneum", True)), lesion_count, ecog) == expected


def test_ehd_class_is_unresectable_for_two_sites_even_if_each_is_clearable():
    assert d.ehd_class(sites(("lung", True), ("ovary", True)), 1, 0) == "unresectable"
    assert d.ehd_class(sites(("lung", True), ("peritoneum", True)), 1, 0) == "unresectable"


# --- resectability --------------------------------------------------------------------------------

CLEAR = {
    "ehd": "none",
    "candidate": True,
    "technically_unresectable": False,
    "flr_sufficient": True,
    "r0_feasible": True,
    "extensive": False,
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "resectable"),
        ({"ehd": "resectable"}, "resectable"),
        ({"ehd": "unresectable"}, "unresectable"),
        ({"candidate": False}, "unresectable"),
        # line 1 comes before line 2
        ({"candidate": False, "technically_unresectable": True}, "unresectable"),
        ({"ehd": "unresectable", "flr_sufficient": False}, "unresectable"),
        ({"technically_unresectable": True}, "potentially_resectable"),
        ({"flr_sufficient": False}, "potentially_resectable"),
        ({"r0_feasible": None, "extensive": True}, "potentially_resectable"),
        ({"r0_feasible": True, "extensive": True}, "resectable"),
        # the two provisional cases stay resectable
        ({"r0_feasible": None}, "resectable"),
        ({"flr_sufficient": None}, "resectable"),
        ({"flr_sufficient": None, "r0_feasible": None}, "resectable"),
    ],
)
def test_resectability_follows_the_first_matching_line_of_section_3(changes, expected):
    assert d.resectability(**(CLEAR | changes)) == expected


# --- favourable and ready for surgery -------------------------------------------------------------


def _favourable(timing="metachronous", dfi_months=30, ehd="none", **overrides):
    return d.favourable(
        fong=d.fong_score(facts(**overrides)), timing=timing, dfi_months=dfi_months, ehd=ehd
    )


def test_favourable_for_the_baseline():
    assert _favourable() is True


def test_favourable_never_when_synchronous():
    assert _favourable(timing="synchronous") is False
    found = facts(**SYNCHRONOUS)
    assert (
        d.favourable(
            fong=d.fong_score(found),
            timing="synchronous",
            dfi_months=d.disease_free_interval_months(found),
            ehd="none",
        )
        is False
    )


def test_favourable_never_when_the_interval_is_unknown():
    assert _favourable(dfi_months=None) is False
    assert (
        _favourable(dfi_months=None, **{"presentation.disease_free_interval_months": None}) is False
    )


def test_favourable_from_an_interval_of_exactly_12_months():
    assert _favourable(dfi_months=12, **{"presentation.disease_free_interval_months": 12}) is True
    assert (
        _favourable(dfi_months=11.9, **{"presentation.disease_free_interval_months": 11.9}) is False
    )


def test_favourable_never_with_extrahepatic_disease():
    assert _favourable(ehd="resectable") is False
    assert _favourable(ehd="unresectable") is False


def test_favourable_up_to_a_worst_case_fong_of_2():
    two = {"liver.lesions": [lesion(6, 60), lesion(7, 10)]}
    assert _favourable(**two) is True
    # score 2 with one unknown criterion: worst case 3
    assert _favourable(**two, **{"biomarkers.cea_ng_ml": None}) is False
    # score 1 with two unknown criteria: worst case 3
    unknowns = {"primary.node_positive": None, "biomarkers.cea_ng_ml": None}
    assert _favourable(**{"liver.lesions": lesions(6, 7)}, **unknowns) is False
    # score 0 with two unknown criteria: worst case 2
    assert _favourable(**unknowns) is True


@pytest.mark.parametrize(
    ("cycles", "response", "ready"),
    [
        (4, "complete", True),
        (4, "partial", True),
        (4, "stable", True),
        (4, "progressive", False),
        (4, None, False),
        (3, "stable", False),
        (3, "complete", False),
        (12, "partial", True),
    ],
)
def test_ready_for_surgery_after_4_cycles_without_progression(cycles, response, ready):
    found = facts(
        **{"treatment.preoperative_cycles": cycles, "treatment.latest_response": response}
    )
    assert d.ready_for_surgery(found, is_favourable=False) is ready


def test_ready_for_surgery_when_favourable_whatever_the_treatment():
    assert d.ready_for_surgery(facts(), is_favourable=True) is True


def test_ready_for_surgery_when_chemo_refractory():
    found = facts(**{"treatment.chemo_refractory": True, "treatment.prior_systemic_lines": 3})
    assert d.ready_for_surgery(found, is_favourable=False) is True
