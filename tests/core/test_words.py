"""The one code-to-words mapping (apps/core/words.py): every pathway code of every registered
version and every registered enum value reads as words, never as the identifier; a newer
pathway version's title wins; identifiers inside a sentence are put in words."""

import re
from types import SimpleNamespace

import pytest

from apps.core import words
from apps.pathways import registry

IDENTIFIER = re.compile(r"^[A-Z0-9]+(?:_[A-Z0-9]+)+$|^[a-z0-9]+(?:_[a-z0-9]+)+$")
ALL_CODES = sorted({code for module in registry.VERSIONS.values() for code in module.CATALOGUE})


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_pathway_code_has_its_title(code):
    text = words.words(code)
    assert text and text != code and not IDENTIFIER.match(text), (code, text)
    assert "_" not in text


def test_every_registered_enum_value_reads_as_words():
    vocabularies = words.vocabularies()
    # Each app registered its vocabularies at start-up.
    for name in ("MsiStatus", "Specialty", "Agreement", "Resectability", "FongCriterion"):
        assert name in vocabularies, name
    for name, entries in vocabularies.items():
        for value, text in entries.items():
            assert text and "_" not in text, (name, value, text)
            assert words.words(value, name) == text


def test_clinical_wording_where_the_form_label_is_not_what_a_clinician_reads():
    assert words.words("mss", "MsiStatus") == "Microsatellite stable"
    assert words.lower_words("mss", "MsiStatus") == "microsatellite stable"
    assert words.lower_words("MRI_LIVER_HEPATOSPECIFIC").startswith("liver MRI")
    assert words.words("closed", "MeetingStatus") == "Signed off"


def test_the_newest_pathway_versions_title_wins_and_new_codes_get_words(monkeypatch):
    entry = SimpleNamespace
    older = SimpleNamespace(
        CATALOGUE={"HEPATECTOMY": entry(title="Old title"), "ONLY_OLD": entry(title="Old code")}
    )
    newer = SimpleNamespace(
        CATALOGUE={"HEPATECTOMY": entry(title="New title"), "ONLY_NEW": entry(title="New code")}
    )
    monkeypatch.setattr(registry, "VERSIONS", {"crlm-2027.1": newer, "crlm-2026.1": older})
    words.code_titles.cache_clear()
    try:
        assert words.words("HEPATECTOMY") == "New title"
        assert words.words("ONLY_OLD") == "Old code"
        assert words.words("ONLY_NEW") == "New code"
    finally:
        words.code_titles.cache_clear()


def test_an_identifier_inside_a_sentence_is_put_in_words():
    message = "The Fong score is 1 of a possible 2: unknown 1 (node_positive)."
    assert words.sentence_words(message) == (
        "The Fong score is 1 of a possible 2: unknown 1 (node-positive primary)."
    )


def test_an_unknown_identifier_is_still_readable():
    assert words.words("SOME_NEW_THING") == "Some new thing"
    assert words.words("") == "" and words.words(None) == ""
