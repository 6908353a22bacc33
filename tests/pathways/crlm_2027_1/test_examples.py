"""The worked examples of shared/pathways/crlm-2027.1/examples: each gives exactly its expected
output, as that folder's README says: resectability, candidacy, Fong score and required FLR; one
primary with the expected code; the recommendations code by code with their role; the warning
and work-up code sets and each warning's severity; the derived values it names; the lesion plan;
every returned code's citations as SPEC section 8 writes them (parsed from the SPEC text, not
taken from the engine); and a one-sentence summary. Every invalid example is refused with
exactly its paths.
"""

import pytest

from apps.pathways.facts import FactsValidationError
from apps.pathways.registry import CURRENT_VERSION, evaluate_input
from apps.pathways.result import result_to_dict
from tests.conftest import EXAMPLES_2027, INVALID_EXAMPLES_2027
from tests.pathways.reading import REPEATED_WORD, bracket_depth, sentences
from tests.pathways.spec_text import SPEC_2027_1

VERSION = "crlm-2027.1"


@pytest.fixture(params=EXAMPLES_2027, ids=[name for name, _ in EXAMPLES_2027])
def worked(request):
    """(case, expected, result, result as JSON) for one example."""
    _, document = request.param
    result = evaluate_input(document["case"], VERSION)
    return document["case"], document["expected"], result, result_to_dict(result)


def test_the_current_version_is_crlm_2027_1():
    assert CURRENT_VERSION == VERSION
    result = evaluate_input(EXAMPLES_2027[0][1]["case"])
    assert result.pathway_version == VERSION


def test_examples_cover_every_plan_of_section_4():
    plans = {
        evaluate_input(document["case"], VERSION).derived.plan for _, document in EXAMPLES_2027
    }
    assert plans == {"4.0", "4.0b", "4.1", "4.2", "4.3", "4.4", "4.5"}


def test_spec_catalogue_parses_to_every_row_of_section_8():
    rows = [line for line in SPEC_2027_1.section("8.").splitlines() if line.startswith("| `")]
    assert len(rows) == len(SPEC_2027_1.citations) == 69


def test_example_gives_the_expected_resectability_candidacy_fong_and_flr(worked):
    _, expected, result, _ = worked
    assert result.resectability == expected["resectability"]
    assert result.surgical_candidate is expected["surgical_candidate"]
    assert result.fong.score == expected["fong_score"]
    assert result.fong.worst_case == expected["fong_worst_case"]
    assert result.fong.complete is expected["fong_complete"]
    assert result.flr.required_percent == expected["flr_required_percent"]


def test_example_gives_exactly_one_primary_with_the_expected_code(worked):
    _, expected, result, _ = worked
    primaries = [item.code for item in result.recommendations if item.role == "primary"]
    assert primaries == [expected["primary"]]


def test_example_gives_exactly_the_expected_recommendations_and_roles(worked):
    _, expected, result, _ = worked
    roles = {item.code: item.role for item in result.recommendations}
    assert len(roles) == len(result.recommendations), "a code appears twice"
    assert roles == expected["recommendations"]


def test_example_gives_exactly_the_expected_warnings_with_their_severity(worked):
    _, expected, result, _ = worked
    codes = [item.code for item in result.warnings]
    assert len(codes) == len(set(codes)), "a warning appears twice"
    assert set(codes) == set(expected["warnings"])
    severities = {item.code: item.severity for item in result.warnings}
    for code, severity in expected["warning_severity"].items():
        assert severities[code] == severity, code


def test_example_gives_exactly_the_expected_workup(worked):
    _, expected, result, _ = worked
    codes = [item.code for item in result.workup]
    assert len(codes) == len(set(codes)), "a work-up item appears twice"
    assert set(codes) == set(expected["workup"])


def test_example_gives_the_expected_derived_values(worked):
    _, expected, _, written = worked
    for key, value in expected["derived"].items():
        assert written["derived"][key] == value, key


def test_example_gives_the_expected_lesion_plan(worked):
    _, expected, _, written = worked
    assert written["lesion_plan"] == expected["lesion_plan"]
    ablation = {"LOCAL_ABLATIVE_THERAPY", "RESECTION_WITH_ABLATION"}
    if not ablation & {item["code"] for item in written["recommendations"]}:
        assert written["lesion_plan"] == []


def test_example_cites_for_every_code_exactly_the_spec_catalogue(worked):
    _, _, result, _ = worked
    for item in (*result.recommendations, *result.warnings, *result.workup):
        cited = tuple((citation.source, citation.section) for citation in item.citations)
        assert cited == SPEC_2027_1.citations[item.code], item.code


def test_example_has_a_one_sentence_summary_naming_its_primary(worked):
    _, _, result, written = worked
    summary = written["summary"]
    assert summary == result.summary
    assert summary.endswith(".") and summary.count(". ") == 0, summary
    assert summary.startswith(result.primary.title), summary
    assert "_" not in summary and "(s)" not in summary and "((" not in summary, summary


@pytest.mark.parametrize(
    ("case", "paths"),
    [(document["case"], document["errors"]) for _, document in INVALID_EXAMPLES_2027],
    ids=[name for name, _ in INVALID_EXAMPLES_2027],
)
def test_each_invalid_example_is_refused_with_exactly_its_paths(case, paths):
    with pytest.raises(FactsValidationError) as raised:
        evaluate_input(case, VERSION)
    assert set(raised.value.errors) == set(paths)


def test_example_reads_as_plain_sentences(worked):
    """The review's wording points: no "(s)" plurals, no brackets inside brackets, no word
    repeated, and "declines surgery" (not "not a surgical candidate") when the patient declines."""
    case, _, _, written = worked
    for sentence in sentences(written):
        assert "(s)" not in sentence and "_" not in sentence, sentence
        assert bracket_depth(sentence) <= 1, sentence
        assert not REPEATED_WORD.search(sentence), sentence
        if case["patient"].get("declines_surgery"):
            assert "not a surgical candidate" not in sentence, sentence
