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
# What an unknown Fong criterion is, in a sentence ("up to 3 if node status and CEA are positive").
FONG_MISSING_WORDS = {
    "dfi_under_12_months": "the disease-free interval",
    "multiple_lesions": "the number of lesions",
    "largest_over_50_mm": "the largest lesion",
    "node_positive": "node status",
    "cea_over_200": "CEA",
}
# The regimens of the pathway (SPEC 4.6): shown in the same line as the systemic primary they
# belong to, not as a separate adjunct further down.
REGIMEN_CODES = frozenset(
    {
        "IMMUNE_CHECKPOINT_INHIBITOR",
        "ENCORAFENIB_CETUXIMAB",
        "FLUOROPYRIMIDINE_BEVACIZUMAB",
        "FOLFOXIRI_BEVACIZUMAB",
        "DOUBLET_CHEMOTHERAPY",
        "DOUBLET_ANTI_EGFR",
        "DOUBLET_BEVACIZUMAB",
    }
)
SYSTEMIC_PRIMARIES = frozenset(
    {"SYSTEMIC_THERAPY", "CONVERSION_CHEMOTHERAPY", "CHANGE_SYSTEMIC_LINE"}
)
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
        "severity": item.get("severity") or "",
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
    score, worst = fong.get("score") or 0, fong.get("worst_case") or 0
    missing = list(fong.get("missing", []))
    if missing:
        named = _listing([FONG_MISSING_WORDS.get(key, key.replace("_", " ")) for key in missing])
        line = (
            f"{score} point{'' if score == 1 else 's'} known; up to {worst} if {named} "
            f"{'is' if len(missing) == 1 else 'are'} positive"
        )
    else:
        line = f"{score} point{'' if score == 1 else 's'} ({fong.get('risk', '')} risk)"
    return {
        "score": score,
        "worst_case": worst,
        "risk": fong.get("risk", ""),
        "complete": bool(fong.get("complete")),
        "missing": [FONG_CRITERIA_LABELS.get(key, key) for key in missing],
        "criteria": criteria,
        "line": line,
    }


def _listing(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lower_first(title: str) -> str:
    return title if len(title) > 1 and title[1].isupper() else title[:1].lower() + title[1:]


def _derived_line(result: Mapping[str, Any], flr: Mapping[str, Any]) -> str:
    """The derived values in one line, for reading at a glance."""
    derived = result.get("derived") or {}
    count = derived.get("lesion_count")
    segments = derived.get("segments") or []
    parts = []
    if count is not None:
        where = ", ".join(str(segment) for segment in segments)
        parts.append(
            f"{count} lesion{'' if count == 1 else 's'} in "
            f"segment{'' if len(segments) == 1 else 's'} {where}, "
            f"{'bilobar' if derived.get('bilobar') else 'unilobar'}"
        )
    visible = derived.get("visible_lesion_count")
    if visible is not None and count is not None and visible != count:
        parts.append(f"{count - visible} no longer seen")
    if derived.get("largest_lesion_mm") is not None:
        parts.append(f"largest {derived['largest_lesion_mm']} mm")
    major = derived.get("major_hepatectomy_expected")
    if major is not None:
        extent = "major" if major else "minor"
        how = {"planned": " (planned)", "assumed": " (assumed)"}.get(
            derived.get("resection_extent", ""), ""
        )
        parts.append(f"{extent} hepatectomy{how}")
    measured = flr.get("measured_percent")
    parts.append(
        f"remnant {measured}% of {flr.get('required_percent')}%"
        if measured is not None
        else f"remnant not measured ({flr.get('required_percent')}% needed)"
    )
    ehd = derived.get("ehd")
    if ehd:
        parts.append(
            {
                "none": "no extrahepatic disease",
                "resectable": "resectable extrahepatic disease",
                "unresectable": "unresectable extrahepatic disease",
            }.get(ehd, ehd)
        )
    return " · ".join(parts)


def _summary(result: Mapping[str, Any], primary: Mapping[str, Any] | None, regimen: Any) -> str:
    """The one sentence on top: the result's own (crlm-2027.1 and later), else the primary with
    its regimen and the resectability (a snapshot of an earlier version)."""
    written = result.get("summary")
    if written:
        return str(written)
    if primary is None:
        return ""
    headline = str(primary.get("title", ""))
    if regimen is not None:
        headline += f", {_lower_first(str(regimen['title']))}"
    resectability = str(result.get("resectability", ""))
    return f"{headline}: {RESECTABILITY_LABELS.get(resectability, resectability).lower()}."


def _primary_line(primary: Mapping[str, Any] | None, regimen: Mapping[str, Any] | None) -> str:
    if primary is None:
        return ""
    line = str(primary.get("title") or primary.get("code", ""))
    if regimen is not None:
        line += f": {_lower_first(str(regimen.get('title') or regimen.get('code', '')))}"
    return line


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
            # A disappeared lesion is listed at its size before chemotherapy, with nothing to
            # target: the page says so rather than showing an empty modality list.
            "disappeared": bool(entry.get("disappeared")),
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
    # The regimen of a systemic primary reads in the primary's own line, not as an adjunct.
    regimen = None
    if primary is not None and primary["code"] in SYSTEMIC_PRIMARIES:
        regimen = next(
            (
                item
                for item in recommendations
                if item["code"] in REGIMEN_CODES and item["role"] == "adjunct"
            ),
            None,
        )
    groups = []
    for role in (*ROLES[1:], *sorted({r["role"] for r in recommendations} - set(ROLES))):
        items = [item for item in recommendations if item["role"] == role and item is not regimen]
        if items:
            groups.append({"role": role, "label": ROLE_LABELS.get(role, role), "items": items})
    resectability = str(result.get("resectability", ""))
    lesion_plan = result.get("lesion_plan", [])
    warnings = [_finding(item, titles) for item in result.get("warnings", [])]
    flr = result.get("flr") or {}
    trace = [_trace_line(line) for line in result.get("trace", [])]
    return {
        "summary": _summary(result, primary, regimen),
        "regimen": regimen,
        # The primary and its regimen as one line: "Conversion chemotherapy: doublet chemotherapy
        # without a biologic".
        "primary_line": _primary_line(primary, regimen),
        "derived_line": _derived_line(result, flr),
        # A warning without a severity (an earlier version's) is shown as a caution.
        "cautions": [item for item in warnings if item["severity"] != "info"],
        "infos": [item for item in warnings if item["severity"] == "info"],
        "considered": [line for line in trace if line["result"] == "not chosen"],
        "pathway_version": version,
        "resectability": resectability,
        "resectability_label": RESECTABILITY_LABELS.get(resectability, resectability),
        "surgical_candidate": result.get("surgical_candidate"),
        "derived": result.get("derived", {}),
        "fong": _fong(result.get("fong") or {}),
        "flr": _flr(flr),
        "primary": primary,
        # The primary's sources and its regimen's, under the one line they share.
        "primary_citations": (primary["citations"] if primary else [])
        + (regimen["citations"] if regimen else []),
        "groups": groups,
        "warnings": warnings,
        "workup": [_finding(item, titles) for item in result.get("workup", [])],
        "trace": trace,
        "lesion_plan": _lesion_plan(lesion_plan),
        "liver_map": liver_map_svg(list(lesions), lesion_plan),
        "disappeared": any(lesion.get("disappeared") for lesion in lesions),
    }
