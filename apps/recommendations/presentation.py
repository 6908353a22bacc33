"""What the recommendation panel shows, built from a pathway result dict (SPEC section 7).

One function, `panel_context`, turns a stored or freshly computed result into plain values for
`templates/recommendations/_panel.html`: the case pages, the meeting review page and the
printable summary all render the same panel, so a result reads the same everywhere. It works on
the JSON form of the result (a snapshot's `result`), never on ORM objects, and tolerates codes
and sources it does not know (a snapshot of an older or newer pathway version still renders).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from apps.imaging.liver_map import MODALITY_COLOURS, MODALITY_NAMES, liver_map_svg
from apps.pathways import registry
from apps.pathways.result import ROLES
from apps.pathways.sources import SOURCES

RESECTABILITY_LABELS = {
    "resectable": "Resectable",
    "potentially_resectable": "Potentially resectable",
    "unresectable": "Unresectable",
}
ROLE_LABELS = {
    "primary": "Primary recommendation",
    "sequence": "Sequence",
    "alternative": "Alternatives",
    "adjunct": "Adjuncts",
    "monitoring": "Monitoring",
}
# The Fong clinical risk score's five criteria, in the SPEC's order, as a clinician reads them.
FONG_CRITERIA_LABELS = {
    "dfi_under_12_months": "Disease-free interval under 12 months",
    "multiple_lesions": "More than one liver lesion",
    "largest_over_50_mm": "Largest lesion over 50 mm",
    "node_positive": "Node-positive primary",
    "cea_over_200": "CEA over 200 ng/mL",
}
FONG_RISK_LABELS = {"low": "Low", "intermediate": "Intermediate", "high": "High"}
EHD_LABELS = {
    "none": "No extrahepatic disease",
    "resectable": "Resectable extrahepatic disease",
    "unresectable": "Unresectable extrahepatic disease",
}
CRITERION_STATES = {True: ("yes", "Yes"), False: ("no", "No"), None: ("unknown", "Unknown")}
CHOICE_MARK = "[choice]"


def _citations(items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    citations = []
    for item in items:
        source = SOURCES.get(str(item.get("source", "")))
        citations.append(
            {
                "source": str(item.get("source", "")),
                "section": str(item.get("section", "")),
                "title": source.title if source else str(item.get("source", "")),
                "seed_file": source.seed_file if source else "",
            }
        )
    return citations


def _catalogue_titles(version: str) -> dict[str, str]:
    module = registry.VERSIONS.get(version)
    catalogue = getattr(module, "CATALOGUE", {}) if module is not None else {}
    return {code: entry.title for code, entry in catalogue.items()}


def _recommendation(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": item.get("code", ""),
        "role": item.get("role", ""),
        "title": item.get("title", ""),
        "rationale": item.get("rationale", ""),
        "citations": _citations(item.get("citations", [])),
    }


def _finding(item: Mapping[str, Any], titles: Mapping[str, str]) -> dict[str, Any]:
    code = str(item.get("code", ""))
    return {
        "code": code,
        "title": titles.get(code, ""),
        "message": item.get("message", ""),
        "citations": _citations(item.get("citations", [])),
    }


def _trace_line(line: Mapping[str, Any]) -> dict[str, Any]:
    # A [choice] marks where the pathway made a judgement of its own beyond the sources: the
    # panel shows that part apart so the board can weigh it.
    because = str(line.get("because", ""))
    reason, _, choice = because.partition(CHOICE_MARK)
    return {
        "rule": line.get("rule", ""),
        "result": line.get("result", ""),
        "because": reason.strip(),
        "choice": choice.strip(),
        "is_choice": bool(choice.strip()) or CHOICE_MARK in because,
    }


def _fong(fong: Mapping[str, Any]) -> dict[str, Any]:
    criteria = []
    for key, value in (fong.get("criteria") or {}).items():
        state, text = CRITERION_STATES.get(value, ("unknown", "Unknown"))
        criteria.append(
            {
                "key": key,
                "label": FONG_CRITERIA_LABELS.get(key, key.replace("_", " ")),
                "value": value,
                "state": state,
                "text": text,
            }
        )
    return {
        "score": fong.get("score"),
        "worst_case": fong.get("worst_case"),
        "risk": fong.get("risk", ""),
        "complete": bool(fong.get("complete")),
        "missing": [FONG_CRITERIA_LABELS.get(key, key) for key in fong.get("missing", [])],
        "criteria": criteria,
    }


def _flr(flr: Mapping[str, Any]) -> dict[str, Any]:
    sufficient = flr.get("sufficient")
    if sufficient is None:
        verdict = "not measured"
    else:
        verdict = "sufficient" if sufficient else "insufficient"
    return {
        "required_percent": flr.get("required_percent"),
        "measured_percent": flr.get("measured_percent"),
        "sufficient": sufficient,
        "verdict": verdict,
    }


def _lesion_plan(plan: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "segment": entry.get("segment"),
            "size_mm": entry.get("size_mm"),
            "modalities": [
                {
                    "code": code,
                    "name": MODALITY_NAMES.get(code, code),
                    "colour": MODALITY_COLOURS.get(code, ""),
                }
                for code in entry.get("modalities", [])
            ],
        }
        for entry in plan
    ]


def panel_context(
    result: Mapping[str, Any], lesions: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The values `recommendations/_panel.html` renders, as `panel`.

    `result` is a pathway result dict (`result_to_dict`, or a snapshot's `result`); `lesions` are
    the facts' `liver.lesions` the result was computed from (a snapshot's
    `facts["liver"]["lesions"]`), drawn on the liver map.
    """
    version = str(result.get("pathway_version", ""))
    titles = _catalogue_titles(version)
    recommendations = [_recommendation(item) for item in result.get("recommendations", [])]
    primary = next((item for item in recommendations if item["role"] == "primary"), None)
    groups = []
    for role in (*ROLES[1:], *sorted({r["role"] for r in recommendations} - set(ROLES))):
        items = [item for item in recommendations if item["role"] == role]
        if items:
            groups.append({"role": role, "label": ROLE_LABELS.get(role, role), "items": items})
    resectability = str(result.get("resectability", ""))
    lesion_plan = result.get("lesion_plan", [])
    return {
        "pathway_version": version,
        "resectability": resectability,
        "resectability_label": RESECTABILITY_LABELS.get(resectability, resectability),
        "surgical_candidate": result.get("surgical_candidate"),
        "derived": result.get("derived", {}),
        "fong": _fong(result.get("fong") or {}),
        "flr": _flr(result.get("flr") or {}),
        "primary": primary,
        "groups": groups,
        "warnings": [_finding(item, titles) for item in result.get("warnings", [])],
        "workup": [_finding(item, titles) for item in result.get("workup", [])],
        "trace": [_trace_line(line) for line in result.get("trace", [])],
        "lesion_plan": _lesion_plan(lesion_plan),
        "liver_map": liver_map_svg(list(lesions), lesion_plan),
        "disappeared": any(lesion.get("disappeared") for lesion in lesions),
    }
