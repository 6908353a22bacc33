"""The pathway versions this installation knows, and the one entry point the web layer calls.

A new version is a new package beside the others registered here; stored snapshots keep the
version they were made with, so an old recommendation stays explainable after an upgrade, and
the evaluate API still serves an older version on request.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from apps.pathways import crlm_2026_1, crlm_2027_1
from apps.pathways.facts import CaseFacts
from apps.pathways.result import PathwayResult
from apps.pathways.sources import SOURCES

VERSIONS: dict[str, ModuleType] = {
    crlm_2026_1.VERSION: crlm_2026_1,
    crlm_2027_1.VERSION: crlm_2027_1,
}
CURRENT_VERSION = crlm_2027_1.VERSION


class UnknownPathwayVersion(KeyError):
    def __str__(self) -> str:
        return f"Unknown pathway version {self.args[0]!r}: one of {', '.join(VERSIONS)}."


def _module(version: str) -> ModuleType:
    try:
        return VERSIONS[version]
    except (KeyError, TypeError):
        raise UnknownPathwayVersion(version) from None


def parse_input(data: object, version: str = CURRENT_VERSION) -> CaseFacts:
    """Validate a decoded JSON body as `version`'s input; raises FactsValidationError."""
    return _module(version).INPUT.parse(data)  # type: ignore[no-any-return]


def evaluate(facts: CaseFacts, version: str = CURRENT_VERSION) -> PathwayResult:
    """Apply the pathway to validated facts."""
    return _module(version).evaluate(facts)  # type: ignore[no-any-return]


def evaluate_input(data: object, version: str = CURRENT_VERSION) -> PathwayResult:
    """Validate a decoded JSON body and apply the pathway; raises FactsValidationError."""
    module = _module(version)
    return module.evaluate(module.INPUT.parse(data))  # type: ignore[no-any-return]


def describe(version: str = CURRENT_VERSION) -> dict[str, Any]:
    """The version, its sources and every code with its kind, title, citations and (for a
    warning of a version that has them) severity."""
    module = _module(version)
    severity = module.SEVERITY
    return {
        "version": module.VERSION,
        "title": module.TITLE,
        "current": module.VERSION == CURRENT_VERSION,
        "versions": list(VERSIONS),
        "sources": [
            {"key": source.key, "title": source.title, "seed_file": source.seed_file}
            for source in SOURCES.values()
        ],
        "codes": [
            {
                "code": entry.code,
                "kind": entry.kind,
                "title": entry.title,
                **({"severity": severity[entry.code]} if entry.code in severity else {}),
                "citations": [
                    {"source": citation.source, "section": citation.section}
                    for citation in entry.citations
                ],
            }
            for entry in module.CATALOGUE.values()
        ],
    }
