"""The data a meeting summary and its outcome letters render, read with the meeting selectors.

`summary_data(meeting=...)` returns plain JSON values only (strings, numbers, booleans, lists,
dicts), so that its canonical JSON can be hashed (`content_key`): two requests for an unchanged
meeting hash alike and share one document, and any change the document would show (a decision,
an action, the attendance, the sign-off, a later change to a case's facts) hashes differently.
Every value in it is printed (the key and the document agree: a change nobody can see in the
PDF makes no new version). The generation time is not part of it: the renderer adds it.

A case's clinical summary and liver map come from the recommendation snapshot whose advice is
printed (the decision's, else the case's newest), that is the facts the pathway was run on and
the board saw, never the case's records as they stand when the summary is rendered: a summary
requested months after sign-off still shows what was decided on. A later change to the facts
is noted (with its date). Only a case without any recommendation shows its current facts.

The reads cost a fixed number of queries however many cases are on the agenda (a query-count
test guards it): the meeting, its attendance, its agenda with decisions and actions, the cases
with every record of their facts, and the recommendation snapshots.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.utils import timezone

from apps.casefacts.selectors import FACTS_PREFETCH, FACTS_RELATED, case_facts_raw
from apps.core.choices import Specialty
from apps.core.words import sentence_words, words
from apps.imaging.choices import ExtrahepaticSiteName, Parenchyma
from apps.liverpanel.choices import Disagreement, PanelCategory
from apps.liverpanel.plans import plan_lines
from apps.liverpanel.presentation import disagreement_sentence, review_plan_words
from apps.liverpanel.selectors import newest_conclusions
from apps.meetings.choices import Agreement, DepartureReason, Intent, PostponementReason
from apps.meetings.models import AgendaItem, Decision, DecisionAction, Meeting, ResectabilityVote
from apps.meetings.selectors import attendance_list, current_decision, meeting_quorum
from apps.pathways.registry import CURRENT_VERSION
from apps.pathways.sources import SOURCES
from apps.patients.choices import (
    BrafStatus,
    MsiStatus,
    PrimarySite,
    RasStatus,
    Response,
    Timing,
)
from apps.patients.models import MdtCase
from apps.recommendations.choices import Resectability
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.presentation import panel_context
from apps.recommendations.selectors import with_staleness

# The version of the way the data is printed. Bump it whenever templates/summaries/pdf/*,
# static/css/print.css or apps/summaries/pdf.py change what a document shows or how: it is part
# of the content key, so an unchanged meeting then gets a new version rendered with the new
# templates instead of the document rendered with the old ones.
RENDER_VERSION = 5


def content_key(data: dict[str, Any]) -> str:
    """SHA-256 of the render version and the data's canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(
        {"render_version": RENDER_VERSION, "data": data},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def summary_data(*, meeting: Meeting) -> dict[str, Any]:
    """Everything the summary and the letters show about the meeting, as plain JSON values."""
    meeting = Meeting.objects.select_related("hospital", "chair", "signed_off_by").get(
        pk=meeting.pk
    )
    hospital = meeting.hospital
    attendances = list(attendance_list(meeting=meeting))
    meeting._prefetched_objects_cache = {"attendances": attendances}  # read by meeting_quorum
    quorum = meeting_quorum(meeting=meeting)
    items = _agenda(meeting)
    # Unordered (a dict by id): with the model's ordering, PostgreSQL's estimate of this nine-
    # table join on young tables crosses jit_above_cost, and compiling it costs half a second.
    cases = {
        case.pk: case
        for case in MdtCase.objects.select_related(*FACTS_RELATED)
        .prefetch_related(*FACTS_PREFETCH)
        .filter(pk__in=[item.case_id for item in items])
        .order_by()
    }
    snapshots = _snapshots(items)
    panel_rounds = newest_conclusions(case_ids=[item.case_id for item in items])
    signed = meeting.signed_off_at is not None
    return {
        "meeting": {
            "id": str(meeting.pk),
            "hospital": hospital.name,
            "letterhead": {
                "name": hospital.name,
                "address": [line.strip() for line in hospital.address.splitlines() if line.strip()],
                "telephone": hospital.telephone,
                "email": hospital.email,
            },
            "title": meeting.title,
            "scheduled_for": _local(meeting.scheduled_for),
            "scheduled_on": _long_date(meeting.scheduled_for),
            "started_at": _local(meeting.started_at),
            "location": meeting.location,
            "video_link": meeting.video_link,
            "chair": _person(meeting.chair),
            "status": meeting.get_status_display(),
            "signed_off_at": _local(meeting.signed_off_at),
            "signed_off_by": _person(meeting.signed_off_by),
        },
        "draft": not signed,
        "attendance": [
            {
                "name": _person(attendance.user) or attendance.name,
                "guest": attendance.user_id is None,
                "specialty": _label(Specialty, attendance.specialty),
            }
            for attendance in attendances
        ],
        "quorum": {
            "quorate": quorum.quorate,
            "present": [_label(Specialty, s) for s in quorum.present],
            "missing": [_label(Specialty, s) for s in quorum.missing],
        },
        "pathway_versions": sorted({s["pathway_version"] for s in snapshots.values()})
        or [CURRENT_VERSION],
        "cases": [
            {
                **_case(item, cases[item.case_id], snapshots.get(item.snapshot_id), meeting),
                "expert_panel": _expert_panel(panel_rounds.get(item.case_id)),
            }
            for item in items
        ],
    }


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    """The agenda with each item's decisions, actions and the snapshot it is judged against: the
    current decision's, else the case's newest (annotated `latest_snapshot_id`)."""
    newest = RecommendationSnapshot.objects.filter(case=OuterRef("case")).order_by(
        "-created_at", "-id"
    )
    items = list(
        meeting.agenda_items.select_related(
            "case__patient",
            "presenter",
            "moved_to",
            "patient_informer",
            "carried_from__meeting",
        )
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("recorded_by").order_by("version"),
            ),
            Prefetch(
                "actions",
                queryset=DecisionAction.objects.select_related("owner").order_by(
                    "due_on", "created_at", "id"
                ),
            ),
            Prefetch(
                "votes",
                queryset=ResectabilityVote.objects.select_related("surgeon").order_by(
                    "created_at", "id"
                ),
            ),
        )
        .annotate(latest_snapshot_id=Subquery(newest.values("id")[:1]))
        .order_by("position")
    )
    for item in items:
        decision = current_decision(item=item)
        item.snapshot_id = decision.recommendation_id if decision else item.latest_snapshot_id
    return items


def _snapshots(items: list[AgendaItem]) -> dict[Any, dict[str, Any]]:
    ids = [item.snapshot_id for item in items if item.snapshot_id]
    rows = (
        with_staleness(RecommendationSnapshot.objects.filter(pk__in=ids))
        .annotate(case_facts_updated_at=F("case__facts_updated_at"))
        .values(
            "id",
            "pathway_version",
            "facts",
            "facts_updated_at",
            "case_facts_updated_at",
            "result",
            "created_at",
            "stale",
            "stale_reason",
        )
    )
    return {row["id"]: row for row in rows}


def _case(
    item: AgendaItem, case: MdtCase, snapshot: dict[str, Any] | None, meeting: Meeting
) -> dict[str, Any]:
    patient = case.patient
    decision = current_decision(item=item)
    return {
        "item_id": str(item.pk),
        "position": item.position,
        "patient": {
            "name": f"{patient.given_name} {patient.family_name}",
            "mrn": patient.mrn,
            "birth_date": patient.birth_date.isoformat(),
            "sex": patient.get_sex_display(),
        },
        "question": item.board_question,
        "referring_clinician": case.referring_clinician,
        "general_practitioner": case.general_practitioner,
        "letter_note": item.letter_note,
        "discussion": {
            "started_at": _local(item.discussion_started_at),
            "ended_at": _local(item.discussion_ended_at),
            "minutes": round(item.discussion_seconds / 60) if item.discussion_seconds else 0,
        },
        # Hidden calls never reach a document: only once the chair has revealed them.
        "votes": [
            {"surgeon": _person(vote.surgeon), "call": _label(Resectability, vote.call)}
            for vote in item.votes.all()
        ]
        if item.votes_revealed_at is not None
        else [],
        "votes_hidden": item.votes_revealed_at is None and len(item.votes.all()) > 0,
        "referred_on": case.referred_on.isoformat(),
        # As a letter writes it: "5 December 2026".
        "referred_on_words": f"{case.referred_on.day} {case.referred_on:%B %Y}",
        "presenter": _person(item.presenter),
        "moved_to": (
            {
                "title": item.moved_to.title,
                "scheduled_for": _local(item.moved_to.scheduled_for),
                "scheduled_on": _long_date(item.moved_to.scheduled_for),
            }
            if item.moved_to
            else None
        ),
        "waiting": _waiting(item),
        **_clinical_section(case, snapshot),
        "recommendation": _recommendation(snapshot) if snapshot else None,
        "decision": _decision(decision, len(item.decisions.all())) if decision else None,
        "actions": [
            {
                "description": action.description,
                "owner": _person(action.owner),
                "due_on": _day(action.due_on),
                "done_at": _local(action.done_at),
            }
            for action in item.actions.all()
        ],
        "follow_up": {
            "patient_informer": _person(item.patient_informer),
            "inform_patient_by": _day(item.inform_patient_by),
            "patient_informed_at": _local(item.patient_informed_at),
            "referrer_informed_at": _local(item.referrer_informed_at),
        },
    }


def _expert_panel(referral: Any) -> dict[str, Any] | None:
    """The case's newest conclusion of a liver expert panel, with the reviews behind it."""
    if referral is None:
        return None
    lesions = referral.snapshot.facts.get("liver", {}).get("lesions", [])
    return {
        "panel": referral.panel.name,
        "pseudonym": referral.pseudonym,
        "conclusion": _label(PanelCategory, referral.conclusion_category),
        "pathway_resectability": _label(Resectability, referral.snapshot.resectability),
        "agrees_with_pathway": referral.conclusion_category == referral.snapshot.resectability,
        "plan": plan_lines(referral.conclusion_plan, lesions),
        "note": referral.conclusion_note,
        "concluded_on": _long_date(referral.concluded_at),
        "chair": _person(referral.concluded_by),
        "disagreement": _label(Disagreement, referral.disagreement),
        "disagreement_sentence": disagreement_sentence(
            disagreement=referral.disagreement, reviews=len(referral.reviews.all())
        ),
        "reviews": [
            {
                "reviewer": _person(review.member.user),
                "category": _label(PanelCategory, review.category),
                "plan": review_plan_words(
                    review.plan, referral.conclusion_plan, plan_lines(review.plan, lesions)
                ),
            }
            for review in referral.reviews.all()
        ],
    }


def _postponement(item: AgendaItem) -> str:
    """ "Postponed: imaging not ready" ("other" with its words); blank when not postponed."""
    reason = _label(PostponementReason, item.postponement_reason)
    if reason is None:
        return ""
    if item.postponement_detail:
        reason = f"{reason} ({item.postponement_detail})"
    return f"Postponed: {reason[:1].lower()}{reason[1:]}"


def _waiting(item: AgendaItem) -> dict[str, str]:
    """Why the case was not discussed here and where it went, in words: "Postponed: imaging
    not ready; carried to Liver MDT 2026-03-10 09:00" (`here`), and, for a case carried from
    an earlier meeting, where from and why (`earlier`). Blank strings when neither."""
    here = _postponement(item)
    if item.moved_to is not None:
        where = f"{item.moved_to.title} {_local(item.moved_to.scheduled_for)}"
        here = f"{here}; carried to {where}" if here else f"Moved to {where}"
    elif here:
        here = f"{here}; waiting for a later meeting"
    earlier = ""
    origin = item.carried_from
    if origin is not None:
        earlier = f"Carried from {origin.meeting.title} {_local(origin.meeting.scheduled_for)}"
        why = _postponement(origin)
        if why:
            earlier = f"{earlier} ({why[:1].lower()}{why[1:]})"
    return {"here": here, "earlier": earlier}


def _clinical_section(case: MdtCase, snapshot: dict[str, Any] | None) -> dict[str, Any]:
    """The clinical summary with where its facts come from: the printed recommendation's
    snapshot (the facts the board saw) and, when the case's facts changed after it, when they
    did; the case's current records only when no recommendation was made."""
    if snapshot is not None:
        changed = snapshot["case_facts_updated_at"]
        return {
            "clinical": _clinical(snapshot["facts"]),
            "clinical_source": {
                "recommendation": True,
                "facts_changed_at": _local(changed)
                if changed is not None and changed > snapshot["facts_updated_at"]
                else None,
            },
        }
    clinical = None
    if case.has_facts:
        try:
            clinical = _clinical(case_facts_raw(case=case))
        except ObjectDoesNotExist:  # a record of the facts is missing
            clinical = None
    return {
        "clinical": clinical,
        "clinical_source": {"recommendation": False, "facts_changed_at": None},
    }


def _clinical(facts: dict[str, Any]) -> dict[str, Any]:
    """The short clinical summary of a pathway input (a snapshot's facts, or the case's records
    assembled as one)."""
    primary, biomarkers = facts["primary"], facts["biomarkers"]
    presentation, liver = facts["presentation"], facts["liver"]
    treatment = facts["treatment"]
    return {
        "age": facts["patient"]["age"],
        "ecog": facts["patient"]["ecog"],
        "primary": {
            "site": _label(PrimarySite, primary["site"]),
            "in_situ": primary["in_situ"],
            "symptoms": primary["symptoms"],
            "node_positive": primary["node_positive"],
            "timing": _label(Timing, presentation["timing"]),
            "disease_free_interval_months": presentation["disease_free_interval_months"],
        },
        "biomarkers": {
            "ras": _label(RasStatus, biomarkers["ras"]),
            "braf_v600e": _label(BrafStatus, biomarkers["braf_v600e"]),
            "msi": _label(MsiStatus, biomarkers["msi"]),
            "cea_ng_ml": biomarkers["cea_ng_ml"],
        },
        "liver": {
            "lesions": [
                {
                    "segment": lesion["segment"],
                    "size_mm": lesion["size_mm"],
                    "disappeared": lesion["disappeared"],
                }
                for lesion in liver["lesions"]
            ],
            "flr_percent": liver["flr_percent"],
            "parenchyma": _label(Parenchyma, liver["parenchyma"]),
            "r0_feasible": liver["r0_feasible"],
            # Facts of crlm-2027.1 and later; absent from an earlier version's snapshot.
            "planned_resection": words(liver["planned_resection"], "PlannedResection")
            if liver.get("planned_resection")
            else None,
        },
        "extrahepatic": [
            {"site": _label(ExtrahepaticSiteName, site["site"]), "resectable": site["resectable"]}
            for site in facts["extrahepatic"]["sites"]
        ],
        "treatment": {
            "prior_systemic_lines": treatment["prior_systemic_lines"],
            "preoperative_cycles": treatment["preoperative_cycles"],
            "latest_response": _label(Response, treatment["latest_response"]),
            "chemo_refractory": treatment["chemo_refractory"],
            "bevacizumab_in_course": bool(treatment.get("bevacizumab_in_course")),
            "adjuvant_oxaliplatin": bool(treatment.get("adjuvant_oxaliplatin")),
            "prior_immunotherapy": bool(treatment.get("prior_immunotherapy")),
        },
    }


def _citations(citations: list[dict[str, str]]) -> list[dict[str, str]]:
    return [
        {
            "source": citation["source"],
            "title": SOURCES[citation["source"]].title
            if citation["source"] in SOURCES
            else citation["source"],
            "section": citation["section"],
        }
        for citation in citations
    ]


def _recommendation(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The recommendation as the record prints it: the ten-second read first (the summary
    sentence, the primary with its regimen, the derived values in one line, the cautions), then
    every option with its evidence."""
    result = snapshot["result"]
    panel = panel_context(result, [])

    def finding(item: dict[str, Any]) -> dict[str, Any]:
        return {
            "code": item["code"],
            "title": item["title"] or words(item["code"]),
            "message": sentence_words(item["message"]),
            "citations": _citations(item["citations"]),
        }

    primary, regimen = panel["primary"], panel["regimen"]
    return {
        "pathway_version": snapshot["pathway_version"],
        "evaluated_at": _local(snapshot["created_at"]),
        "stale": bool(snapshot["stale"]),
        "stale_reason": snapshot["stale_reason"],
        "resectability": _label(Resectability, result.get("resectability")),
        "summary": sentence_words(panel["summary"]),
        "derived_line": panel["derived_line"],
        "fong_line": panel["fong"]["line"],
        "primary": {
            "title": primary["title"] or words(primary["code"]),
            "line": sentence_words(panel["primary_line"]),
            "regimen": (regimen["title"] or words(regimen["code"])) if regimen else None,
            "rationale": primary["rationale"],
        }
        if primary
        else None,
        "options": [
            {
                "code": option["code"],
                "role": words(option["role"], "RecommendationRole"),
                "title": option.get("title") or words(option["code"]),
                "rationale": option.get("rationale", ""),
                "citations": _citations(option.get("citations", [])),
            }
            for option in result.get("recommendations", [])
        ],
        "cautions": [finding(item) for item in panel["cautions"]],
        "infos": [finding(item) for item in panel["infos"]],
        "considered": [
            {"title": words(line["rule"]), "because": sentence_words(line["because"])}
            for line in panel["considered"]
        ],
        "workup": [
            {
                "code": finding["code"],
                "title": words(finding["code"]),
                "message": sentence_words(finding.get("message", "")),
            }
            for finding in result.get("workup", [])
        ],
        "lesion_plan": result.get("lesion_plan", []),
    }


def _decision(decision: Decision, versions: int) -> dict[str, Any]:
    return {
        "version": decision.version,
        "versions": versions,
        "plan_codes": list(decision.plan_codes),
        "plan": [words(code) for code in decision.plan_codes],
        "plan_text": decision.plan_text,
        "intent": _label(Intent, decision.intent),
        "agreement": decision.agreement,
        "agreement_label": _label(Agreement, decision.agreement),
        "departure_reason": _label(DepartureReason, decision.departure_reason),
        "departure_detail": decision.departure_detail,
        "listed_not_discussed": decision.listed_not_discussed,
        "quorate": decision.quorate,
        "amendment_reason": decision.amendment_reason,
        "recorded_by": _person(decision.recorded_by),
        "signed_off_at": _local(decision.signed_off_at),
    }


def _person(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.get_username())


def _label(choices: Any, value: str | None) -> str | None:
    """An enum value in words (apps/core/words.py: the clinical wording where it differs from the
    form's label)."""
    if value is None or value == "":
        return None
    return words(value, choices.__name__)


def _day(day: Any) -> str | None:
    """A date as printed: "Thu 10 Dec 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}" if day is not None else None


def _long_date(moment: Any) -> str:
    """A date as a letter gives it: "Tuesday 8 January 2030"."""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def _local(moment: Any) -> str | None:
    """An aware datetime as local ISO text to the minute (settings.TIME_ZONE)."""
    if moment is None:
        return None
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
