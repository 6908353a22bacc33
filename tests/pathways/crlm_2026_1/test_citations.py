"""The evidence behind every code: the catalogue against SPEC section 8, SOURCES.md and the seeds.

A citation must lead a surgeon to text that exists: its source key is one of SOURCES.md's table
and its section is a heading of that seed text, a line that is exactly the heading once
stripped (every heading of the seeds stands on its own line, so anything looser would accept a
sentence that merely begins with the words).
"""

import re
from functools import cache

import pytest

from apps.pathways.crlm_2026_1.catalogue import CATALOGUE, WARNING_ORDER, WORKUP_ORDER
from apps.pathways.registry import describe
from apps.pathways.sources import SOURCES
from tests.pathways.crlm_2026_1.version import VERSION
from tests.pathways.spec_text import (
    LISTED_HEADINGS,
    SEEDS_DIR,
    SOURCE_FILES,
    SPEC_CITATIONS,
    spec_section,
)

KINDS = ("recommendation", "warning", "workup")


def _codes_listed_in(section_heading: str) -> list[str]:
    """The `- \\`CODE\\`:` items of a SPEC section, in order."""
    return re.findall(r"^- `([A-Z0-9_]+)`:", spec_section(section_heading), re.MULTILINE)


SECTION_5_WARNINGS = _codes_listed_in("5. Warnings")
SECTION_6_WORKUP = _codes_listed_in("6. Work-up")


@cache
def _headings(seed_file: str) -> frozenset[str]:
    lines = (SEEDS_DIR / seed_file).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip())


ALL_CITATIONS = sorted(
    {
        (citation.source, citation.section)
        for entry in CATALOGUE.values()
        for citation in entry.citations
    }
)


def test_sources_table_names_five_seed_files_that_exist():
    assert len(SOURCE_FILES) == 5
    for seed_file in SOURCE_FILES.values():
        assert (SEEDS_DIR / seed_file).is_file(), seed_file


def test_sources_module_matches_the_sources_table():
    assert {key: source.seed_file for key, source in SOURCES.items()} == SOURCE_FILES


@pytest.mark.parametrize("citation", ALL_CITATIONS, ids=lambda pair: f"{pair[0]}:{pair[1]}")
def test_citation_names_a_source_of_the_sources_table(citation):
    source, _ = citation
    assert source in SOURCE_FILES


@pytest.mark.parametrize("citation", ALL_CITATIONS, ids=lambda pair: f"{pair[0]}:{pair[1]}")
def test_citation_section_is_a_heading_line_of_its_seed_text(citation):
    source, section = citation
    assert section == section.strip() and section
    assert section in _headings(SOURCE_FILES[source]), f"{section!r} is no line of {source}"


@pytest.mark.parametrize("citation", ALL_CITATIONS, ids=lambda pair: f"{pair[0]}:{pair[1]}")
def test_citation_section_is_listed_among_its_source_headings_in_sources_md(citation):
    source, section = citation
    assert section in LISTED_HEADINGS[source]


def test_headings_listed_in_sources_md_all_occur_in_their_seed_texts():
    assert set(LISTED_HEADINGS) == set(SOURCE_FILES)
    for source, headings in LISTED_HEADINGS.items():
        missing = [
            heading for heading in headings if heading not in _headings(SOURCE_FILES[source])
        ]
        assert not missing, (source, missing)


def test_seed_heading_check_rejects_a_heading_that_is_only_the_start_of_a_line():
    # The check is strict: "SURGERY" is a heading of crlm-therapies-review, "SURG" is not.
    assert "SURGERY" in _headings(SOURCE_FILES["crlm-therapies-review"])
    assert "SURG" not in _headings(SOURCE_FILES["crlm-therapies-review"])


def test_catalogue_has_exactly_the_codes_of_spec_section_8():
    assert set(CATALOGUE) == set(SPEC_CITATIONS)


@pytest.mark.parametrize("code", sorted(SPEC_CITATIONS))
def test_catalogue_cites_for_each_code_exactly_the_spec_pairs_in_order(code):
    cited = tuple((citation.source, citation.section) for citation in CATALOGUE[code].citations)
    assert cited == SPEC_CITATIONS[code]


def test_catalogue_entries_are_keyed_by_their_own_code_with_a_kind_and_a_title():
    for code, entry in CATALOGUE.items():
        assert entry.code == code
        assert entry.kind in KINDS
        assert entry.title.strip()


def test_catalogue_warnings_are_exactly_those_of_spec_section_5():
    warnings = [code for code, entry in CATALOGUE.items() if entry.kind == "warning"]
    assert len(SECTION_5_WARNINGS) == 18
    assert set(warnings) == set(SECTION_5_WARNINGS)


def test_catalogue_workup_items_are_exactly_those_of_spec_section_6():
    workup = [code for code, entry in CATALOGUE.items() if entry.kind == "workup"]
    assert len(SECTION_6_WORKUP) == 9
    assert set(workup) == set(SECTION_6_WORKUP)


def test_catalogue_output_orders_follow_spec_sections_5_and_6():
    assert list(WARNING_ORDER) == SECTION_5_WARNINGS
    assert list(WORKUP_ORDER) == SECTION_6_WORKUP


def test_describe_lists_every_code_with_its_kind_title_and_citations():
    described = describe(VERSION)
    assert described["version"] == VERSION == "crlm-2026.1"
    codes = {item["code"]: item for item in described["codes"]}
    assert len(codes) == len(described["codes"]), "a code is described twice"
    assert set(codes) == set(SPEC_CITATIONS)
    for code, item in codes.items():
        assert item["title"].strip(), code
        assert item["kind"] == CATALOGUE[code].kind
        cited = tuple((citation["source"], citation["section"]) for citation in item["citations"])
        assert cited == SPEC_CITATIONS[code], code


def test_describe_lists_every_source_with_its_seed_file():
    described = describe(VERSION)
    assert {item["key"]: item["seed_file"] for item in described["sources"]} == SOURCE_FILES
    assert all(item["title"].strip() for item in described["sources"])
