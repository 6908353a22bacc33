"""Counts that apps above `meetings` report beside the board's decisions in concordance.

The meetings app knows nothing of them: an app higher in the dependency order registers, at
start-up (its AppConfig.ready), a function of (hospital, first day, last day) returning a small
JSON-able dict; the concordance answer shows each under its name (the CDS Hooks service reports
what the EHR's clinicians did with its cards, under "ehr_feedback").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

ConcordanceSource = Callable[[Any, datetime.date | None, datetime.date | None], dict[str, Any]]

_sources: dict[str, ConcordanceSource] = {}


def register_concordance_source(name: str, source: ConcordanceSource) -> None:
    _sources[name] = source


def concordance_sources(
    hospital: Any, start: datetime.date | None, end: datetime.date | None
) -> dict[str, dict[str, Any]]:
    """Every registered source's counts for the hospital and period, by name."""
    return {name: source(hospital, start, end) for name, source in _sources.items()}
