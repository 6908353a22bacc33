"""The worked examples of shared/pathways/examples: each gives exactly its expected output.

What "exactly" means is the examples' README: resectability, candidacy, Fong score and
required FLR; one primary with the expected code; the recommendations code by code with their
role; the warning and work-up code sets; the lesion plan; and every returned code's citations
as SPEC section 8 writes them (parsed from the SPEC text, not taken from the engine).
"""

import pytest

from apps.pathways.result import result_to_dict
from tests.conftest import EXAMPLES, INVALID_EXAMPLES
from tests.pathways.crlm_2026_1.builders import roles, warning_codes, workup_codes
from tests.pathways.crlm_2026_1.version import (
    FactsValidationError,
    UnknownPathwayVersion,
    evaluate,
    evaluate_input,
    parse_facts,
)
from tests.pathways.spec_text import SPEC_CITATIONS, spec_section

EXAMPLE_IDS = [name for name, _ in EXAMPLES]


@pytest.fixture(params=EXAMPLES, ids=EXAMPLE_IDS)
def worked(request):
    """(case, expected, result) for one example."""
    _, document = request.param
    return document["case"], document["expected"], evaluate_input(document["case"])


def test_examples_cover_every_plan_of_section_4():
    plans = {evaluate_input(document["case"]).derived.plan for _, document in EXAMPLES}
    assert plans == {"4.0", "4.1", "4.2", "4.3", "4.4", "4.5"}


def test_spec_catalogue_parses_to_every_row_of_section_8():
    rows = [line for line in spec_section("8.").splitlines() if line.startswith("| `")]
    assert len(rows) == len(SPEC_CITATIONS) > 50


def test_example_gives_the_expected_resectability_and_candidacy(worked):
    _, expected, result = worked
    assert result.resectability == expected["resectability"]
    assert result.surgical_candidate is expected["surgical_candidate"]


def test_example_gives_the_expected_fong_score(worked):
    _, expected, result = worked
    assert result.fong.score == expected["fong_score"]
    assert result.fong.worst_case == expected["fong_worst_case"]
    assert result.fong.complete is expected["fong_complete"]


def test_example_gives_the_expected_required_flr(worked):
    _, expected, result = worked
    assert result.flr.required_percent == expected["flr_required_percent"]


def test_example_gives_exactly_one_primary_with_the_expected_code(worked):
    _, expected, result = worked
    primaries = [item.code for item in result.recommendations if item.role == "primary"]
    assert primaries == [expected["primary"]]
    assert result.primary.code == expected["primary"]


def test_example_gives_exactly_the_expected_recommendations_and_roles(worked):
    _, expected, result = worked
    assert len(result.recommendations) == len(roles(result)), "a code appears twice"
    assert roles(result) == expected["recommendations"]


def test_example_gives_exactly_the_expected_warnings(worked):
    _, expected, result = worked
    assert len(result.warnings) == len(warning_codes(result)), "a warning appears twice"
    assert warning_codes(result) == set(expected["warnings"])


def test_example_gives_exactly_the_expected_workup(worked):
    _, expected, result = worked
    assert len(result.workup) == len(workup_codes(result)), "a work-up item appears twice"
    assert workup_codes(result) == set(expected["workup"])


def test_example_gives_the_expected_lesion_plan_only_with_local_ablative_therapy(worked):
    _, expected, result = worked
    plan = result_to_dict(result)["lesion_plan"]
    if "LOCAL_ABLATIVE_THERAPY" in roles(result):
        assert plan == expected["lesion_plan"]
        assert plan, "local ablative therapy recommended without a lesion plan"
    else:
        assert plan == []
        assert expected["lesion_plan"] == []


def test_example_cites_for_every_code_exactly_the_spec_catalogue(worked):
    _, _, result = worked
    for item in (*result.recommendations, *result.warnings, *result.workup):
        cited = tuple((citation.source, citation.section) for citation in item.citations)
        assert cited == SPEC_CITATIONS[item.code], item.code


@pytest.mark.parametrize(
    ("case", "paths"),
    [(document["case"], document["errors"]) for _, document in INVALID_EXAMPLES],
    ids=[name for name, _ in INVALID_EXAMPLES],
)
def test_evaluate_input_rejects_each_invalid_example_with_its_error_paths(case, paths):
    with pytest.raises(FactsValidationError) as raised:
        evaluate_input(case)
    assert set(raised.value.errors) == set(paths)


def test_evaluate_rejects_an_unknown_pathway_version():
    facts = parse_facts(EXAMPLES[0][1]["case"])
    with pytest.raises(UnknownPathwayVersion):
        evaluate(facts, "crlm-1999.1")
