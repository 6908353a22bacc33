"""A reviewer's (or the chair's) local plan for the liver: its rules, and the plan in words.

A plan is a document: `{"lesions": [{"lesion": 1, "treatment": "anatomical_resection",
"segments": [6, 7]}, ...], "strategy": "one_stage", "portal_vein_embolisation": false}`. Lesions
are numbered as the referral's facts list them (1 = the first). Its shape is checked by the
interfaces; the rules that need the case (which lesions it has, in which segments) are here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from apps.core.exceptions import ApplicationError

from .choices import RESECTIONS, LesionTreatment, PanelCategory, PanelStrategy


def _words(code: str, choices: Any) -> str:
    return str(dict(choices.choices).get(code, code))


def plan_checked(
    *, category: str, plan: Mapping[str, Any] | None, lesions: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    """The plan in its stored form, or an ApplicationError naming each wrong field
    (`plan.lesions[0].segments`).

    - A permanently unresectable case has no local plan (none, or one without lesions).
    - Otherwise every lesion of the case has one entry, once; a resection names the segments it
      removes, which include the lesion's own; at least one lesion is treated; ALPPS is not
      combined with portal vein embolisation (ALPPS replaces it).
    """
    if category == PanelCategory.UNRESECTABLE:
        if plan and plan.get("lesions"):
            raise ApplicationError(
                "A permanently unresectable case has no local plan.",
                errors={"plan.lesions": ["Leave the lesions empty for this category."]},
            )
        return None
    if not plan:
        raise ApplicationError(
            "A resectable or potentially resectable case needs a local plan.",
            errors={"plan": ["Give the plan for each lesion."]},
        )
    errors: dict[str, list[str]] = {}
    entries = list(plan.get("lesions") or [])
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        path = f"plan.lesions[{index}]"
        number = int(entry["lesion"])
        if not 1 <= number <= len(lesions):
            errors[f"{path}.lesion"] = [f"The case has lesions 1 to {len(lesions)}."]
            continue
        if number in seen:
            errors[f"{path}.lesion"] = [f"Lesion {number} has two entries."]
            continue
        seen.add(number)
        segments = sorted({int(segment) for segment in entry.get("segments") or []})
        own = int(lesions[number - 1]["segment"])
        if entry["treatment"] in RESECTIONS:
            if not segments:
                errors[f"{path}.segments"] = ["Name the segments the resection removes."]
            elif own not in segments:
                errors[f"{path}.segments"] = [
                    f"Lesion {number} lies in segment {own}: the resection must include it."
                ]
    missing = [number for number in range(1, len(lesions) + 1) if number not in seen]
    if missing and not any(key.endswith(".lesion") for key in errors):
        listed = ", ".join(str(number) for number in missing)
        errors["plan.lesions"] = [f"Give a plan for every lesion: {listed} missing."]
    if entries and all(
        entry["treatment"] == LesionTreatment.NO_LOCAL_TREATMENT for entry in entries
    ):
        errors.setdefault("plan.lesions", []).append(
            "No lesion is resected or ablated: that is not a local plan."
        )
    strategy = plan.get("strategy") or PanelStrategy.ONE_STAGE
    embolisation = bool(plan.get("portal_vein_embolisation"))
    if strategy == PanelStrategy.ALPPS and embolisation:
        errors["plan.portal_vein_embolisation"] = [
            "ALPPS takes the place of portal vein embolisation: choose one."
        ]
    if errors:
        raise ApplicationError("The local plan is not complete: see each field.", errors=errors)
    return {
        "lesions": [
            {
                "lesion": int(entry["lesion"]),
                "treatment": entry["treatment"],
                "segments": sorted({int(segment) for segment in entry.get("segments") or []}),
            }
            for entry in sorted(entries, key=lambda entry: int(entry["lesion"]))
        ],
        "strategy": strategy,
        "portal_vein_embolisation": embolisation,
    }


def _segments(segments: Sequence[int]) -> str:
    names = [str(segment) for segment in segments]
    if len(names) == 1:
        return f"segment {names[0]}"
    return f"segments {', '.join(names[:-1])} and {names[-1]}"


def plan_lines(plan: Mapping[str, Any] | None, lesions: Sequence[Mapping[str, Any]]) -> list[str]:
    """The plan as a reader takes it in: one line per lesion, then the strategy."""
    if not plan:
        return []
    lines = []
    for entry in plan.get("lesions", []):
        number = int(entry["lesion"])
        lesion = lesions[number - 1] if 0 < number <= len(lesions) else {}
        where = f" (segment {lesion['segment']}, {float(lesion['size_mm']):g} mm)" if lesion else ""
        treatment = _words(entry["treatment"], LesionTreatment)
        if entry["treatment"] in RESECTIONS and entry.get("segments"):
            treatment = f"{treatment} of {_segments(entry['segments'])}"
        lines.append(f"Lesion {number}{where}: {treatment[0].lower()}{treatment[1:]}")
    strategy = _words(plan.get("strategy") or PanelStrategy.ONE_STAGE, PanelStrategy)
    if plan.get("portal_vein_embolisation"):
        strategy += ", after portal vein embolisation"
    lines.append(strategy)
    return lines
