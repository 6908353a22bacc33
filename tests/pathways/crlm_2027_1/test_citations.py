"""Every code of crlm-2027.1 cites exactly what its SPEC section 8 says, each cited heading
occurs in its seed text, every warning has the severity of section 5, and `describe` lists them.
The SPEC is parsed from its text (tests.pathways.spec_text), not taken from the engine."""

from apps.pathways.crlm_2027_1.catalogue import CATALOGUE, SEVERITY
from apps.pathways.registry import describe
from tests.pathways.spec_text import LISTED_HEADINGS, SEEDS_DIR, SOURCE_FILES, SPEC_2027_1

VERSION = "crlm-2027.1"


def test_catalogue_holds_exactly_the_codes_of_section_8_with_their_citations():
    engine = {
        code: tuple((citation.source, citation.section) for citation in entry.citations)
        for code, entry in CATALOGUE.items()
    }
    assert engine == SPEC_2027_1.citations


def test_every_cited_heading_is_a_heading_of_its_source_and_occurs_in_its_seed():
    for code, pairs in SPEC_2027_1.citations.items():
        for source, section in pairs:
            assert section in LISTED_HEADINGS[source], (code, source, section)
            seed = (SEEDS_DIR / SOURCE_FILES[source]).read_text(encoding="utf-8")
            assert section in seed, (code, source, section)


def test_every_warning_has_the_severity_of_section_5_and_nothing_else_has_one():
    assert SPEC_2027_1.warning_severities() == SEVERITY
    warnings = {code for code, entry in CATALOGUE.items() if entry.kind == "warning"}
    assert set(SEVERITY) == warnings


def test_the_two_codes_cited_anew_differ_from_crlm_2026_1():
    assert [(c.source, c.section) for c in CATALOGUE["CHANGE_SYSTEMIC_LINE"].citations][1] == (
        "synchronous-crlm-review-2024",
        "3) Perioperatif Systemic Chemotherapy for CRLMs",
    )
    assert [(c.source, c.section) for c in CATALOGUE["BEST_SUPPORTIVE_CARE"].citations][1] == (
        "liver-metastasis-concepts-review",
        "Radiation-Based Therapies",
    )


def test_describe_gives_the_version_its_codes_severities_and_the_versions_known():
    described = describe(VERSION)
    assert described["version"] == VERSION and described["current"] is True
    assert described["versions"] == ["crlm-2026.1", "crlm-2027.1"]
    codes = {item["code"]: item for item in described["codes"]}
    assert set(codes) == set(SPEC_2027_1.citations)
    assert codes["HAI_TOXICITY"]["severity"] == "caution"
    assert codes["FONG_INCOMPLETE"]["severity"] == "info"
    assert "severity" not in codes["HEPATECTOMY"]
    assert all(item["title"].strip() for item in described["codes"])
    old = describe("crlm-2026.1")
    assert old["current"] is False and not any("severity" in item for item in old["codes"])
