"""The pathway versions this installation knows, and the one entry point the web layer calls.

A new version is a new package beside `crlm_2026_1` registered here; stored snapshots keep the
version they were made with, so an old recommendation stays explainable after an upgrade.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from apps.pathways import crlm_2026_1
from apps.pathways.facts import CaseFacts, parse_facts
from apps.pathways.result import PathwayResult
from apps.pathways.sources import SOURCES

VERSIONS: dict[str, ModuleType] = {crlm_2026_1.VERSION: crlm_2026_1}
CURRENT_VERSION = crlm_2026_1.VERSION


class UnknownPathwayVersion(KeyError):
    pass


def _module(version: str) -> ModuleType:
    try:
        return VERSIONS[version]
    except KeyError:
        raise UnknownPathwayVersion(version) from None


def evaluate(facts: CaseFacts, version: str = CURRENT_VERSION) -> PathwayResult:
    """Apply the pathway to validated facts."""
    return _module(version).evaluate(facts)  # type: ignore[no-any-return]


def evaluate_input(data: object, version: str = CURRENT_VERSION) -> PathwayResult:
    """Validate a decoded JSON body and apply the pathway; raises FactsValidationError."""
    return evaluate(parse_facts(data), version)


def describe(version: str = CURRENT_VERSION) -> dict[str, Any]:
    """The version, its sources and every code with its kind, title and citations."""
    module = _module(version)
    return {
        "version": module.VERSION,
        "title": module.TITLE,
        "sources": [
            {"key": source.key, "title": source.title, "seed_file": source.seed_file}
            for source in SOURCES.values()
        ],
        "codes": [
            {
                "code": entry.code,
                "kind": entry.kind,
                "title": entry.title,
                "citations": [
                    {"source": citation.source, "section": citation.section}
                    for citation in entry.citations
                ],
            }
            for entry in module.CATALOGUE.values()
        ],
    }
