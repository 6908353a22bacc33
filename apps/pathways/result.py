"""The pathway's output (SPEC section 7): typed, immutable, and written out as JSON in one place.

Every part of a result is a frozen msgspec struct: built in compiled code (a result has
twenty-odd trace lines and a dozen findings), and written out as JSON by msgspec in one pass,
without an intermediate dictionary. The fields are declared in the order the SPEC writes the
keys; a field that only some versions have defaults to None and is then left out of the JSON
(`omit_defaults`), so crlm-2026.1's output has no `summary` or `severity` key and crlm-2027.1's
has them. Whole numbers are stored as integers (`whole`), so that 35 is written 35, not 35.0, as
the case facts are.

Every pathway version returns a `PathwayResult`; the web layer writes it out with `result_json`
(the evaluate endpoint's bytes) or `result_to_dict` (the same output as Python values, for a
stored snapshot; the tests hold the two to one output), so a new version with new codes needs no
change outside this package.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, overload

import msgspec

ROLES = ("primary", "sequence", "alternative", "adjunct", "monitoring")
RESECTABILITY = ("resectable", "potentially_resectable", "unresectable")
EHD_CLASSES = ("none", "resectable", "unresectable")
PLANS = ("4.0", "4.0b", "4.1", "4.2", "4.3", "4.4", "4.5")
SEVERITIES = ("caution", "info")
FONG_RISKS = ("low", "intermediate", "high")


@overload
def whole(value: float) -> float: ...
@overload
def whole(value: None) -> None: ...
def whole(value: float | None) -> float | None:
    """A measure as the JSON writes it: a whole number as an integer (35, not 35.0)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


class Citation(msgspec.Struct, frozen=True, gc=False):
    """Evidence for a code: a source key of SOURCES.md and a heading as it occurs in that text."""

    source: str
    section: str


class Recommendation(msgspec.Struct, frozen=True, gc=False):
    code: str
    role: str
    title: str
    rationale: str
    citations: tuple[Citation, ...]


class Finding(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A warning or a work-up item: something the board should know or obtain."""

    code: str
    # A warning's weight in crlm-2027.1 (`caution` or `info`); None (left out) for work-up, and
    # in versions whose output has no severity.
    severity: str | None = None
    message: str
    citations: tuple[Citation, ...]


class LesionPlanEntry(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    segment: int
    size_mm: float
    modalities: tuple[str, ...]
    # crlm-2027.1 lists a disappeared lesion, with no modalities; None (left out) where a version
    # does not say (crlm-2026.1's output has no such key).
    disappeared: bool | None = None


class TraceLine(msgspec.Struct, frozen=True, gc=False):
    rule: str
    result: str
    because: str


class FongCriteria(msgspec.Struct, frozen=True, gc=False):
    """The Fong score's five criteria in the SPEC's order: met, not met, or unknown (None).
    Iterating gives (criterion, value) pairs, so `dict(criteria)` is the output's mapping."""

    dfi_under_12_months: bool | None
    multiple_lesions: bool | None
    largest_over_50_mm: bool | None
    node_positive: bool | None
    cea_over_200: bool | None

    def __iter__(self) -> Iterator[tuple[str, bool | None]]:
        return zip(self.__struct_fields__, msgspec.structs.astuple(self), strict=True)


class FongScore(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    score: int
    worst_case: int
    risk: str
    complete: bool
    missing: tuple[str, ...]
    criteria: FongCriteria


class FlrAssessment(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    required_percent: int
    measured_percent: float | None
    sufficient: bool | None


class Derived(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    lesion_count: int
    largest_lesion_mm: float
    segments: tuple[int, ...]
    bilobar: bool
    # crlm-2027.1 and later; None (left out) where a version's output has no such key.
    visible_lesion_count: int | None = None
    visible_sum_mm: float | None = None
    major_hepatectomy_expected: bool
    resection_extent: str | None = None  # crlm-2027.1 and later, as above
    extensive_liver_disease: bool
    ehd: str
    technically_unresectable: bool
    liver_injury: bool
    favourable: bool | None  # null (crlm-2027.1) for a patient who is not a surgical candidate
    ready_for_surgery: bool | None
    plan: str


class PathwayResult(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    pathway_version: str
    resectability: str
    surgical_candidate: bool
    # crlm-2027.1 and later: one sentence for the ten-second read (left out before).
    summary: str | None = None
    derived: Derived
    fong: FongScore
    flr: FlrAssessment
    recommendations: tuple[Recommendation, ...]
    lesion_plan: tuple[LesionPlanEntry, ...]
    warnings: tuple[Finding, ...]
    workup: tuple[Finding, ...]
    trace: tuple[TraceLine, ...]

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


_ENCODER = msgspec.json.Encoder()


def result_json(result: PathwayResult) -> bytes:
    """The SPEC section 7 output as JSON (compact, UTF-8): what the evaluate endpoint answers."""
    return _ENCODER.encode(result)


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
        "size_mm": entry.size_mm,
        "modalities": list(entry.modalities),
    }
    if entry.disappeared is not None:
        written["disappeared"] = entry.disappeared
    return written


def result_to_dict(result: PathwayResult) -> dict[str, Any]:
    """The SPEC section 7 output as Python values (lists, dictionaries), for a stored snapshot:
    what `result_json` writes, read back."""
    derived = result.derived
    fong = result.fong
    flr = result.flr
    written_derived: dict[str, Any] = {
        "lesion_count": derived.lesion_count,
        "largest_lesion_mm": derived.largest_lesion_mm,
        "segments": list(derived.segments),
        "bilobar": derived.bilobar,
    }
    if derived.visible_lesion_count is not None:
        written_derived["visible_lesion_count"] = derived.visible_lesion_count
        written_derived["visible_sum_mm"] = derived.visible_sum_mm
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
                "measured_percent": flr.measured_percent,
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
