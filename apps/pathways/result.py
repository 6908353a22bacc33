"""The pathway's output (SPEC section 7): typed, immutable, and written out as JSON in one place.

The many small items of a result (recommendations, findings, trace lines) are named tuples:
immutable like the frozen dataclasses, and three times cheaper to build, which matters at
twenty-odd trace lines per evaluation.

Every pathway version returns a `PathwayResult`; the web layer only ever calls `result_to_dict`
on it, so a new version with new codes needs no change outside this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

ROLES = ("primary", "sequence", "alternative", "adjunct", "monitoring")
RESECTABILITY = ("resectable", "potentially_resectable", "unresectable")
EHD_CLASSES = ("none", "resectable", "unresectable")
PLANS = ("4.0", "4.0b", "4.1", "4.2", "4.3", "4.4", "4.5")
SEVERITIES = ("caution", "info")
FONG_RISKS = ("low", "intermediate", "high")


@dataclass(frozen=True, slots=True)
class Citation:
    """Evidence for a code: a source key of SOURCES.md and a heading as it occurs in that text."""

    source: str
    section: str


class Recommendation(NamedTuple):
    code: str
    role: str
    title: str
    rationale: str
    citations: tuple[Citation, ...]


class Finding(NamedTuple):
    """A warning or a work-up item: something the board should know or obtain."""

    code: str
    message: str
    citations: tuple[Citation, ...]
    # A warning's weight in crlm-2027.1 (`caution` or `info`); None for work-up, and in versions
    # whose output has no severity.
    severity: str | None = None


class LesionPlanEntry(NamedTuple):
    segment: int
    size_mm: float
    modalities: tuple[str, ...]
    # crlm-2027.1 lists a disappeared lesion, with no modalities; None where a version does not
    # say (crlm-2026.1's output has no such key).
    disappeared: bool | None = None


class TraceLine(NamedTuple):
    rule: str
    result: str
    because: str


@dataclass(frozen=True, slots=True)
class FongScore:
    score: int
    worst_case: int
    risk: str
    complete: bool
    missing: tuple[str, ...]
    criteria: tuple[tuple[str, bool | None], ...]  # in the SPEC's order


@dataclass(frozen=True, slots=True)
class FlrAssessment:
    required_percent: int
    measured_percent: float | None
    sufficient: bool | None


@dataclass(frozen=True, slots=True)
class Derived:
    lesion_count: int
    largest_lesion_mm: float
    segments: tuple[int, ...]
    bilobar: bool
    major_hepatectomy_expected: bool
    extensive_liver_disease: bool
    ehd: str
    technically_unresectable: bool
    liver_injury: bool
    favourable: bool | None  # null (crlm-2027.1) for a patient who is not a surgical candidate
    ready_for_surgery: bool | None
    plan: str
    # crlm-2027.1 and later; None where a version's output has no such key.
    visible_lesion_count: int | None = None
    visible_sum_mm: float | None = None
    resection_extent: str | None = None


@dataclass(frozen=True, slots=True)
class PathwayResult:
    pathway_version: str
    resectability: str
    surgical_candidate: bool
    derived: Derived
    fong: FongScore
    flr: FlrAssessment
    recommendations: tuple[Recommendation, ...]
    lesion_plan: tuple[LesionPlanEntry, ...]
    warnings: tuple[Finding, ...]
    workup: tuple[Finding, ...]
    trace: tuple[TraceLine, ...]
    # crlm-2027.1 and later: one sentence for the ten-second read.
    summary: str | None = None

    @property
    def primary(self) -> Recommendation:
        return next(item for item in self.recommendations if item.role == "primary")

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(
            item.code
            for group in (self.recommendations, self.warnings, self.workup)
            for item in group
        )


def _plain(value: float | None) -> float | int | None:
    # Whole numbers go out as integers (35, not 35.0), as the case facts do.
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _citations(citations: tuple[Citation, ...]) -> list[dict[str, str]]:
    return [{"source": item.source, "section": item.section} for item in citations]


def _finding(item: Finding) -> dict[str, Any]:
    if item.severity is None:
        return {"code": item.code, "message": item.message, "citations": _citations(item.citations)}
    return {
        "code": item.code,
        "severity": item.severity,
        "message": item.message,
        "citations": _citations(item.citations),
    }


def _lesion_plan_entry(entry: LesionPlanEntry) -> dict[str, Any]:
    written = {
        "segment": entry.segment,
        "size_mm": _plain(entry.size_mm),
        "modalities": list(entry.modalities),
    }
    if entry.disappeared is not None:
        written["disappeared"] = entry.disappeared
    return written


def result_to_dict(result: PathwayResult) -> dict[str, Any]:
    """The SPEC section 7 output, JSON-ready."""
    derived = result.derived
    fong = result.fong
    flr = result.flr
    written_derived: dict[str, Any] = {
        "lesion_count": derived.lesion_count,
        "largest_lesion_mm": _plain(derived.largest_lesion_mm),
        "segments": list(derived.segments),
        "bilobar": derived.bilobar,
    }
    if derived.visible_lesion_count is not None:
        written_derived["visible_lesion_count"] = derived.visible_lesion_count
        written_derived["visible_sum_mm"] = _plain(derived.visible_sum_mm)
    written_derived["major_hepatectomy_expected"] = derived.major_hepatectomy_expected
    if derived.resection_extent is not None:
        written_derived["resection_extent"] = derived.resection_extent
    written_derived.update(
        {
            "extensive_liver_disease": derived.extensive_liver_disease,
            "ehd": derived.ehd,
            "technically_unresectable": derived.technically_unresectable,
            "liver_injury": derived.liver_injury,
            "favourable": derived.favourable,
            "ready_for_surgery": derived.ready_for_surgery,
            "plan": derived.plan,
        }
    )
    written: dict[str, Any] = {
        "pathway_version": result.pathway_version,
        "resectability": result.resectability,
        "surgical_candidate": result.surgical_candidate,
    }
    if result.summary is not None:
        written["summary"] = result.summary
    written.update(
        {
            "derived": written_derived,
            "fong": {
                "score": fong.score,
                "worst_case": fong.worst_case,
                "risk": fong.risk,
                "complete": fong.complete,
                "missing": list(fong.missing),
                "criteria": dict(fong.criteria),
            },
            "flr": {
                "required_percent": flr.required_percent,
                "measured_percent": _plain(flr.measured_percent),
                "sufficient": flr.sufficient,
            },
            "recommendations": [
                {
                    "code": item.code,
                    "role": item.role,
                    "title": item.title,
                    "rationale": item.rationale,
                    "citations": _citations(item.citations),
                }
                for item in result.recommendations
            ],
            "lesion_plan": [_lesion_plan_entry(entry) for entry in result.lesion_plan],
            "warnings": [_finding(item) for item in result.warnings],
            "workup": [_finding(item) for item in result.workup],
            "trace": [
                {"rule": line.rule, "result": line.result, "because": line.because}
                for line in result.trace
            ],
        }
    )
    return written
