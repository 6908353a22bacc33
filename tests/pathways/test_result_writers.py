"""The two writers of a result agree: `result_json` (the evaluate endpoint's bytes, written by
msgspec straight from the result's structs) and `result_to_dict` (the same output as Python values,
for a stored snapshot), key for key and in the same order, for every example of both versions;
and a whole measure is written as an integer (35, not 35.0), as the case facts are."""

import json

import pytest

from apps.pathways.registry import evaluate_input
from apps.pathways.result import result_json, result_to_dict
from tests.conftest import EXAMPLES, EXAMPLES_2027

CASES = [("crlm-2026.1", name, document) for name, document in EXAMPLES] + [
    ("crlm-2027.1", name, document) for name, document in EXAMPLES_2027
]


def _floats(value, path=""):
    """Every float in a decoded JSON value, with its path."""
    if isinstance(value, float):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _floats(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _floats(item, f"{path}[{index}]")


@pytest.mark.parametrize(
    ("version", "document"),
    [(version, document) for version, _, document in CASES],
    ids=[f"{version}:{name}" for version, name, _ in CASES],
)
def test_the_json_and_the_snapshot_dictionary_are_one_output(version, document):
    result = evaluate_input(document["case"], version)
    written = result_json(result)
    as_dict = result_to_dict(result)
    assert json.loads(written) == as_dict
    # The same keys in the same order, the same numbers written the same way.
    assert written == json.dumps(as_dict, separators=(",", ":"), ensure_ascii=False).encode()
    # No whole number is written with a decimal point.
    whole = [(path, value) for path, value in _floats(json.loads(written)) if value.is_integer()]
    assert whole == []
    # Version-specific keys: only crlm-2027.1 writes a summary and warnings' severities.
    assert ("summary" in as_dict) is (version == "crlm-2027.1")
    assert all(("severity" in item) is (version == "crlm-2027.1") for item in as_dict["warnings"])
    assert all("severity" not in item for item in as_dict["workup"])


def test_a_whole_size_given_as_a_decimal_is_written_as_an_integer():
    _, document = EXAMPLES_2027[0]
    case = json.loads(json.dumps(document["case"]))
    for lesion in case["liver"]["lesions"]:
        lesion["size_mm"] = 20.0
    case["liver"]["lesions"][0]["size_mm"] = 22.5
    written = json.loads(result_json(evaluate_input(case, "crlm-2027.1")))
    sizes = [entry["size_mm"] for entry in written["lesion_plan"]]
    assert 22.5 in sizes or written["lesion_plan"] == []
    assert written["derived"]["largest_lesion_mm"] == 22.5
    assert all(type(size) is int for size in sizes if size != 22.5)
