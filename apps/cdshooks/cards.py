"""The pathway's result as a CDS Hooks card: the words a clinician reads in the EHR.

The card carries the same content as the recommendation panel (primary recommendation, the
others by role, warnings, work-up, citations) in Markdown, and says, as the app does, that the
pathway supports the MDT's discussion and never decides. Plain functions of the result: no ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from apps.core.words import lower_words, words
from apps.pathways.result import Citation, PathwayResult
from apps.pathways.sources import SOURCES

SUMMARY_MAX = 139  # the specification: "<140 characters"
SERVICE_TITLE = "CRLM MDT pathway"
NOT_A_DECISION = (
    "This recommendation supports the liver MDT's discussion; it is not a decision. "
    "The multidisciplinary team decides, with the patient."
)
# How a warning's severity (SPEC section 5) sets the card's indicator; the worst one wins.
INDICATORS = {"info": "info", "caution": "warning", "critical": "critical"}
_RANK = {"info": 0, "warning": 1, "critical": 2}
ROLE_HEADINGS = {
    "sequence": "Sequence",
    "alternative": "Alternatives",
    "adjunct": "Adjuncts",
    "monitoring": "Monitoring",
}
# What a clinician may pick when overriding the card; counted in concordance.
OVERRIDE_REASON_SYSTEM = "urn:x-tumorboard:cds-override-reason"
OVERRIDE_REASONS = {
    "mdt-decided-otherwise": "The MDT has decided otherwise",
    "patient-preference": "The patient's preference",
    "record-out-of-date": "The EHR record is out of date",
    "not-relevant-now": "Not relevant at this visit",
}
# Where each input comes from in the EHR, for a card naming what is missing (see prefetch.py).
INPUT_HINTS = {
    "patient.age": "the Patient's birth date",
    "patient.ecog": "an ECOG performance status Observation (LOINC 89247-1)",
    "primary.site": "a Condition for the colorectal primary, with its body site",
    "primary.in_situ": "the Procedures (a resection of the primary, or none)",
    "presentation": "the onset dates of the primary and liver-metastasis Conditions",
    "liver.lesions": (
        "a BodyStructure per liver lesion, its Couinaud segment in its location, with a size "
        "Observation (LOINC 21889-1) focused on it"
    ),
    "extrahepatic": "the MDT case record (resectability of a site is not in standard FHIR)",
}


def override_reasons() -> list[dict[str, str]]:
    return [
        {"system": OVERRIDE_REASON_SYSTEM, "code": code, "display": display}
        for code, display in OVERRIDE_REASONS.items()
    ]


def _summary(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def _source(version: str, site_url: str) -> dict[str, str]:
    return {"label": f"{SERVICE_TITLE}, version {version}", "url": site_url}


def _citations(citations: Iterable[Citation]) -> list[str]:
    """One Markdown list item per citation: the source's title, then the section."""
    named = []
    for citation in citations:
        source = SOURCES.get(citation.source)
        title = (source.title if source else citation.source).rstrip(".")
        named.append(f"- {title}: *{citation.section}*")
    return named


def indicator(result: PathwayResult) -> str:
    found = "info"
    for warning in result.warnings:
        candidate = INDICATORS.get(warning.severity or "info", "info")
        if _RANK[candidate] > _RANK[found]:
            found = candidate
    return found


def recommendation_card(
    result: PathwayResult,
    *,
    card_id: str,
    site_url: str,
    case_url: str | None,
) -> dict[str, Any]:
    """The card for a pathway result; `case_url` links the patient's MDT case when one was
    found in the client's hospital."""
    primary = result.primary
    headline = f"Liver MDT pathway: {words(primary.code)} ({lower_words(result.resectability)})"
    lines = [f"**{words(primary.code)}**: {primary.rationale}"]
    if result.summary:
        lines = [result.summary, "", *lines]
    if primary.citations:
        lines += ["", "Evidence:", *_citations(primary.citations)]
    for role, heading in ROLE_HEADINGS.items():
        items = [item for item in result.recommendations if item.role == role]
        if items:
            lines += ["", f"**{heading}**"]
            lines += [f"- {words(item.code)}: {item.rationale}" for item in items]
    if result.warnings:
        lines += ["", "**Warnings**"]
        lines += [
            f"- {words(item.code)} ({item.severity or 'info'}): {item.message}"
            for item in result.warnings
        ]
    if result.workup:
        lines += ["", "**Work-up to complete**"]
        lines += [f"- {words(item.code)}: {item.message}" for item in result.workup]
    lines += ["", f"*{NOT_A_DECISION}*"]
    card: dict[str, Any] = {
        "uuid": card_id,
        "summary": _summary(headline),
        "indicator": indicator(result),
        "detail": "\n".join(lines),
        "source": _source(result.pathway_version, site_url),
        "overrideReasons": override_reasons(),
    }
    if case_url:
        card["links"] = [{"label": "Open the MDT case", "url": case_url, "type": "absolute"}]
    return card


def missing_inputs_card(
    errors: Mapping[str, list[str]],
    *,
    card_id: str,
    version: str,
    site_url: str,
    case_url: str | None,
) -> dict[str, Any]:
    """The card when the EHR's record does not hold what the pathway needs: which inputs, and
    where in the record each would come from. No recommendation is made from a partial record."""
    lines = [
        "The pathway was not run: the EHR's record lacks inputs it needs, or holds values it "
        "cannot take.",
        "",
    ]
    for path, messages in errors.items():
        hint = next((text for prefix, text in INPUT_HINTS.items() if path.startswith(prefix)), "")
        where = f" (from {hint})" if hint else ""
        lines.append(f"- `{path or 'record'}`: {' '.join(messages)}{where}")
    lines += ["", f"*{NOT_A_DECISION}*"]
    card: dict[str, Any] = {
        "uuid": card_id,
        "summary": _summary("Liver MDT pathway: not run, the record lacks required inputs"),
        "indicator": "warning",
        "detail": "\n".join(lines),
        "source": _source(version, site_url),
    }
    if case_url:
        card["links"] = [{"label": "Complete the MDT case", "url": case_url, "type": "absolute"}]
    return card
