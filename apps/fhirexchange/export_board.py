"""The board's side of a case as FHIR: the pathway's recommendation (a RequestGroup of proposed
actions, each with its citations), the discussion (a Procedure coded NCIt C93304 "Tumor Board
Review") and the decision (a CarePlan per version; an amendment `replaces` the version before).

Plan codes are the pathway's own (`PLAN_SYSTEM`), displayed in words from `apps.core.words`;
no standard terminology names "liver-first staged resection after portal vein embolization" at
the grain the pathway decides it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.core.words import words
from apps.meetings.models import AgendaItem, Decision
from apps.recommendations.models import RecommendationSnapshot

from . import codes as c
from .resources import Entries, reference


def _plan_concept(code: str) -> dict[str, Any]:
    return c.concept(c.coding(c.PLAN_SYSTEM, code, words(code)), text=words(code))


def _citations(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "type": "citation",
            "label": citation["source"],
            "citation": " - ".join(
                part for part in (citation["source"], citation.get("section")) if part
            ),
        }
        for citation in item.get("citations", [])
    ]


def recommendation_resource(
    entries: Entries, snapshot: RecommendationSnapshot, subject: str
) -> str:
    """The newest snapshot: its options as actions (the role as the action's prefix), warnings
    and work-up as notes, each with its citations."""
    result = snapshot.result
    actions = [
        {
            "prefix": words(option["role"]),
            "title": option.get("title") or words(option["code"]),
            "description": option.get("rationale", ""),
            "code": [_plan_concept(option["code"])],
            "documentation": _citations(option),
        }
        for option in result.get("recommendations", [])
    ]
    notes = [
        {"text": f"{kind}: {item['message']}"}
        for kind, key in (("Warning", "warnings"), ("Work-up", "workup"))
        for item in result.get(key, [])
    ]
    stale = getattr(snapshot, "stale", False)
    if stale:
        notes.append({"text": "Stale: the facts or the pathway changed since this evaluation."})
    data: dict[str, Any] = {
        "identifier": [
            {"system": c.URI_IDENTIFIER, "value": f"urn:tumorboard:recommendation:{snapshot.id}"}
        ],
        "instantiatesUri": [f"urn:tumorboard:pathway:{snapshot.pathway_version}"],
        "status": "active",
        "intent": "proposal",
        "code": c.concept(text="Pathway recommendation"),
        "subject": reference(subject),
        "authoredOn": snapshot.created_at.isoformat(),
        "action": [{k: v for k, v in action.items() if v} for action in actions],
    }
    if notes:
        data["note"] = notes
    return entries.add("RequestGroup", snapshot.id, data)


def _meeting_day(item: AgendaItem) -> str:
    return timezone.localdate(item.meeting.scheduled_for).isoformat()


def discussion_resource(entries: Entries, item: AgendaItem, subject: str) -> str:
    """The case's discussion at one meeting; not done when it moved to a later meeting."""
    decided = bool(list(item.decisions.all()))
    data: dict[str, Any] = {
        "identifier": [
            {"system": c.URI_IDENTIFIER, "value": f"urn:tumorboard:agenda-item:{item.id}"}
        ],
        "status": "completed" if decided else "preparation",
        "code": c.concept(c.coding(c.NCIT, *c.TUMOR_BOARD_REVIEW)),
        "subject": reference(subject),
        "performedDateTime": _meeting_day(item),
        "location": {"display": item.meeting.location or item.meeting.title},
    }
    if item.moved_to_id is not None:
        data["status"] = "not-done"
        reason = words(item.postponement_reason) or "Moved to a later meeting"
        data["statusReason"] = c.concept(text=reason)
    return entries.add("Procedure", item.id, data)


def _activities(decision: Decision, treatment: Any) -> list[dict[str, Any]]:
    activities = []
    for code in decision.plan_codes:
        started = treatment is not None and treatment.started and treatment.treatment_code == code
        activities.append(
            {
                "detail": {
                    "code": _plan_concept(code),
                    "status": "in-progress" if started else "not-started",
                    "description": words(code),
                }
            }
        )
    if decision.plan_text:
        activities.append({"detail": {"status": "not-started", "description": decision.plan_text}})
    return activities


def _notes(decision: Decision, treatment: Any) -> list[dict[str, str]]:
    notes = [{"text": f"Intent: {words(decision.intent)}. {words(decision.agreement)}."}]
    if decision.departure_reason:
        notes.append(
            {"text": f"Departure: {words(decision.departure_reason)}. {decision.departure_detail}"}
        )
    if decision.amendment_reason:
        notes.append({"text": f"Amended: {decision.amendment_reason}"})
    if (
        treatment is not None
        and treatment.decision_id == decision.id
        and treatment.matches != "yes"
    ):
        given = (
            words(treatment.treatment_code)
            if treatment.treatment_code != "other"
            else treatment.treatment_other
        )
        said = "No treatment was started" if not treatment.started else f"Treatment given: {given}"
        notes.append(
            {
                "text": f"{said}; {words(treatment.matches).lower()}: "
                f"{words(treatment.reason)}. {treatment.reason_detail}".strip()
            }
        )
    return notes


def _snapshot_reference(decision: Decision, exported: tuple[Any, str] | None) -> dict[str, Any]:
    """The snapshot the decision was made against: the exported one (the newest) by its
    fullUrl, an older one by its identifier."""
    if exported is not None and exported[0] == decision.recommendation_id:
        return reference(exported[1])
    value = f"urn:tumorboard:recommendation:{decision.recommendation_id}"
    return {"identifier": {"system": c.URI_IDENTIFIER, "value": value}}


def decision_resources(
    entries: Entries,
    item: AgendaItem,
    subject: str,
    addresses: list[str],
    recommendation: tuple[Any, str] | None,
) -> None:
    """Every version of the item's decision, oldest first: the current one active (draft before
    sign-off), the ones it amended revoked, each newer one `replaces` the one before."""
    versions = sorted(item.decisions.all(), key=lambda decision: decision.version)
    treatment = getattr(item, "treatment_given", None)
    previous: str | None = None
    for decision in versions:
        current = decision is versions[-1]
        status = ("active" if decision.signed_off_at else "draft") if current else "revoked"
        data: dict[str, Any] = {
            "identifier": [
                {"system": c.URI_IDENTIFIER, "value": f"urn:tumorboard:decision:{decision.id}"}
            ],
            "status": status,
            "intent": "plan",
            "category": [
                c.concept(c.coding(c.VALUES_SYSTEM, decision.intent, words(decision.intent)))
            ],
            "title": f"MDT decision, version {decision.version}",
            "subject": reference(subject),
            "created": _meeting_day(item),
            "addresses": [reference(url) for url in addresses],
            "activity": _activities(decision, treatment),
            "note": _notes(decision, treatment if current else None),
        }
        if decision.plan_text:
            data["description"] = decision.plan_text
        data["supportingInfo"] = [_snapshot_reference(decision, recommendation)]
        if previous:
            data["replaces"] = [reference(previous)]
        previous = entries.add("CarePlan", decision.id, data)
