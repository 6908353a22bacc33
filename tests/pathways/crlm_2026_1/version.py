"""The version these tests pin: every parse and evaluation of this folder is crlm-2026.1's,
whatever the installation's current version is."""

from __future__ import annotations

from typing import Any

from apps.pathways import facts as _facts
from apps.pathways import registry as _registry
from apps.pathways.result import PathwayResult

VERSION = "crlm-2026.1"
FactsValidationError = _facts.FactsValidationError
UnknownPathwayVersion = _registry.UnknownPathwayVersion


def parse_facts(data: object) -> Any:
    return _facts.parse_facts(data, VERSION)


def facts_to_dict(facts: Any) -> dict[str, Any]:
    return _facts.facts_to_dict(facts, VERSION)


def evaluate(facts: Any, version: str = VERSION) -> PathwayResult:
    return _registry.evaluate(facts, version)


def evaluate_input(data: object) -> PathwayResult:
    return _registry.evaluate_input(data, VERSION)
