"""A meeting worth summarising, built through the services as the API would: a chaired meeting
in progress, quorate, with several cases, each with its recommendation, the board's decision,
an action and who tells the patient. Shared by the summary tests (unit and real-worker)."""

from __future__ import annotations

import datetime
from typing import Any

from apps.meetings.services import agenda_item_add
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import action_add, decision_record, follow_up_update
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory

EXAMPLES = (
    "solitary-metachronous-low-risk",
    "bilobar-two-stage-primary-in-situ",
    "unfit-small-lesions-ablation",
    "lung-and-peritoneum-unresectable-ehd",
)


def build_summary_meeting(
    hospital: Any, make_user: Any, *, cases: int = 3, mrn_prefix: str = "SUMM"
) -> dict[str, Any]:
    """The meeting and its people: keys meeting, items, chair, coordinator, oncologist and
    radiologist (clinicians present), viewer. The patients' MRNs are <mrn_prefix>-0001, ...
    (a second meeting in one hospital needs another prefix)."""
    chair = make_user("clinician", specialty="liver_surgeon")
    oncologist = make_user("clinician", specialty="medical_oncologist")
    radiologist = make_user("clinician", specialty="radiologist")
    coordinator = make_user("coordinator", specialty="coordinator")
    meeting = MeetingFactory(
        hospital=hospital, status="in_progress", chair=chair, location="Seminar room 2"
    )
    for user in (chair, oncologist, radiologist):
        attendance_add(meeting=meeting, actor=coordinator, user=user)
    items = []
    for index in range(cases):
        case = CaseFactory(
            patient__hospital=hospital,
            patient__mrn=f"{mrn_prefix}-{index + 1:04d}",
            facts=EXAMPLES[index % len(EXAMPLES)],
            referring_clinician=f"Dr Referrer {index + 1}",
        )
        snapshot = recommendation_create(case=case, actor=coordinator)
        item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
        decision_record(
            item=item,
            actor=chair,
            data={
                "plan_codes": [snapshot.primary_code],
                "plan_text": f"Board plan for case {index + 1}.",
                "intent": "curative" if snapshot.resectability == "resectable" else "palliative",
                "agreement": "agree",
            },
        )
        action_add(
            item=item,
            actor=coordinator,
            description=f"Book follow-up imaging {index + 1}",
            owner=radiologist,
            due_on=datetime.date(2030, 2, 1),
        )
        follow_up_update(item=item, actor=coordinator, data={"patient_informer": oncologist})
        items.append(item)
    return {
        "meeting": meeting,
        "items": items,
        "chair": chair,
        "coordinator": coordinator,
        "oncologist": oncologist,
        "radiologist": radiologist,
        "viewer": make_user("viewer"),
    }
