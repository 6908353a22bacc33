"""The draw (fewest open reviews first, ties by the seed, replayable) and the local plan's
rules, as plain functions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.exceptions import ApplicationError
from apps.liverpanel.draw import draw_record, draw_reviewers, replay
from apps.liverpanel.plans import plan_checked, plan_lines
from apps.liverpanel.services import disagreement_of, majority_of, tied_categories

LESIONS = [{"segment": 3, "size_mm": 25}, {"segment": 5, "size_mm": 40}]

candidates_strategy = st.dictionaries(
    st.uuids().map(str), st.integers(min_value=0, max_value=4), min_size=0, max_size=12
).map(lambda loads: sorted(loads.items()))


@given(candidates_strategy, st.integers(min_value=0, max_value=2**52), st.integers(1, 5))
def test_draw_takes_the_least_loaded_and_ignores_the_candidates_order(candidates, seed, count):
    drawn = draw_reviewers(candidates, seed=seed, count=count)
    assert len(drawn) == min(count, len(candidates))
    assert len(set(drawn)) == len(drawn)
    loads = dict(candidates)
    left = [load for member, load in candidates if member not in drawn]
    assert all(loads[member] <= min(left, default=99) for member in drawn)
    assert draw_reviewers(list(reversed(candidates)), seed=seed, count=count) == drawn
    record = draw_record(stage=1, seed=seed, candidates=candidates, drawn=drawn)
    assert replay(record) == drawn


def test_draw_ties_fall_differently_with_other_seeds():
    candidates = [(f"member-{index}", 0) for index in range(8)]
    outcomes = {tuple(draw_reviewers(candidates, seed=seed, count=3)) for seed in range(20)}
    assert len(outcomes) > 5


def test_draw_never_prefers_a_busier_member():
    candidates = [("busy", 2), ("free-1", 0), ("free-2", 0), ("one", 1)]
    for seed in range(30):
        assert draw_reviewers(candidates, seed=seed, count=3)[:2] in (
            ["free-1", "free-2"],
            ["free-2", "free-1"],
        )
        assert "busy" not in draw_reviewers(candidates, seed=seed, count=3)


@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        (["resectable"] * 3, "none"),
        (["resectable", "resectable", "potentially_resectable"], "minor"),
        (["unresectable", "potentially_resectable", "potentially_resectable"], "minor"),
        (["resectable", "unresectable", "unresectable"], "major"),
        (["resectable", "potentially_resectable", "unresectable"], "major"),
    ],
)
def test_disagreement_is_the_spread_of_the_categories(categories, expected):
    assert disagreement_of(categories) == expected


def test_majority_of_five_and_ties():
    five = ["resectable", "unresectable", "potentially_resectable", "resectable", "resectable"]
    assert majority_of(five) == "resectable"
    tie = ["resectable", "resectable", "unresectable", "unresectable", "potentially_resectable"]
    assert majority_of(tie) == ""
    assert tied_categories(tie) == ["resectable", "unresectable"]


def _plan(*lesions, **rest):
    return {"lesions": list(lesions), **rest}


def test_plan_complete_is_kept_in_order_with_sorted_segments():
    plan = plan_checked(
        category="resectable",
        plan=_plan(
            {"lesion": 2, "treatment": "anatomical_resection", "segments": [6, 5, 5]},
            {"lesion": 1, "treatment": "ablation"},
        ),
        lesions=LESIONS,
    )
    assert plan == {
        "lesions": [
            {"lesion": 1, "treatment": "ablation", "segments": []},
            {"lesion": 2, "treatment": "anatomical_resection", "segments": [5, 6]},
        ],
        "strategy": "one_stage",
        "portal_vein_embolisation": False,
    }
    assert plan_lines(plan, LESIONS) == [
        "Lesion 1 (segment 3, 25 mm): ablation",
        "Lesion 2 (segment 5, 40 mm): anatomical resection of segments 5 and 6",
        "One-stage hepatectomy",
    ]


@pytest.mark.parametrize(
    ("category", "plan", "field"),
    [
        ("resectable", None, "plan"),
        ("resectable", _plan({"lesion": 1, "treatment": "ablation"}), "plan.lesions"),
        (
            "resectable",
            _plan(
                {"lesion": 1, "treatment": "anatomical_resection", "segments": []},
                {"lesion": 2, "treatment": "ablation"},
            ),
            "plan.lesions[0].segments",
        ),
        (
            "potentially_resectable",
            _plan(
                {"lesion": 1, "treatment": "parenchyma_sparing_resection", "segments": [4]},
                {"lesion": 2, "treatment": "ablation"},
            ),
            "plan.lesions[0].segments",
        ),
        (
            "resectable",
            _plan(
                {"lesion": 1, "treatment": "ablation"},
                {"lesion": 1, "treatment": "ablation"},
            ),
            "plan.lesions[1].lesion",
        ),
        (
            "resectable",
            _plan({"lesion": 3, "treatment": "ablation"}),
            "plan.lesions[0].lesion",
        ),
        (
            "resectable",
            _plan(
                {"lesion": 1, "treatment": "no_local_treatment"},
                {"lesion": 2, "treatment": "no_local_treatment"},
            ),
            "plan.lesions",
        ),
        (
            "resectable",
            _plan(
                {"lesion": 1, "treatment": "ablation"},
                {"lesion": 2, "treatment": "ablation"},
                strategy="alpps",
                portal_vein_embolisation=True,
            ),
            "plan.portal_vein_embolisation",
        ),
        ("unresectable", _plan({"lesion": 1, "treatment": "ablation"}), "plan.lesions"),
    ],
)
def test_plan_rules_name_the_field(category, plan, field):
    with pytest.raises(ApplicationError) as refused:
        plan_checked(category=category, plan=plan, lesions=LESIONS)
    assert field in refused.value.errors


def test_unresectable_has_no_plan():
    assert plan_checked(category="unresectable", plan=None, lesions=LESIONS) is None
    assert plan_lines(None, LESIONS) == []
