"""A whole liver MDT driven through the REST API, as a hospital's clients would drive it, on
PostgreSQL: schedule, agenda, attendance, independent votes and their reveal, a standard-of-care
listing, decisions (agreeing, modified with a reason, one recorded before the meeting was
quorate), sign-off, a refused change of a signed decision, an amendment, and concordance."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from apps.meetings.models import Decision, Meeting
from apps.patients.models import MdtCase
from tests.factories import CaseFactory, make_ready

pytestmark = pytest.mark.django_db

AGENDA = [
    # (pathway example, what the board does with it)
    ("solitary-metachronous-low-risk", "standard of care"),
    ("bilobar-two-stage-primary-in-situ", "agree, after the surgeons' votes"),
    ("right-sided-ras-mutant-conversion", "modified, later amended"),
    ("unfit-small-lesions-ablation", "agree, before the radiologist joined"),
]


@pytest.fixture
def team(make_user, client_for):
    """The people of the meeting, each with an API client logged in through a token."""
    people = {
        "coordinator": make_user("coordinator", specialty="coordinator"),
        "chair": make_user("clinician", specialty="liver_surgeon"),
        "surgeon": make_user("clinician", specialty="liver_surgeon"),
        "oncologist": make_user("clinician", specialty="medical_oncologist"),
        "radiologist": make_user("clinician", specialty="radiologist"),
    }
    return {name: (user, client_for(user, token=True)) for name, user in people.items()}


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_whole_meeting_through_the_api(team, hospital):
    assert connection.vendor == "postgresql"
    coordinator = team["coordinator"][1]
    chair_user, chair = team["chair"]
    surgeon_user, surgeon = team["surgeon"]
    oncologist = team["oncologist"][1]

    # Schedule, chaired by a liver surgeon.
    meeting = _ok(
        coordinator.post(
            reverse("api:meeting-list"),
            {
                "scheduled_for": "2031-03-04T08:00:00Z",
                "location": "Seminar room 2",
                "chair": chair_user.username,
            },
            format="json",
        ),
        201,
    )
    meeting_id = meeting["id"]
    assert meeting["quorum"] == {
        "quorate": False,
        "present": [],
        "missing": ["liver_surgeon", "medical_oncologist", "radiologist"],
    }

    # Four referred cases, each with its recommendation, go on the agenda.
    items = {}
    for name, _ in AGENDA:
        case = CaseFactory(patient__hospital=hospital, facts=name, question=f"Plan for {name}?")
        make_ready(case, on=datetime.date(2031, 3, 4))  # the checklist complete for the meeting
        _ok(coordinator.post(reverse("api:case-recommendation", args=[case.id])), 201)
        item = _ok(
            coordinator.post(
                reverse("api:meeting-agenda", args=[meeting_id]),
                {"case": str(case.id), "presenter": surgeon_user.username},
                format="json",
            ),
            201,
        )
        items[name] = item["id"]
        assert MdtCase.objects.get(pk=case.id).status == "scheduled"
    agenda = _ok(coordinator.get(reverse("api:meeting-agenda", args=[meeting_id])))
    assert [entry["position"] for entry in agenda] == [1, 2, 3, 4]

    def item_url(route, name, *extra):
        return reverse(route, args=[meeting_id, items[name], *extra])

    # Attendance: the surgeons and the oncologist are in; the radiologist is late.
    for who in ("chair", "surgeon", "oncologist"):
        _ok(
            coordinator.post(
                reverse("api:meeting-attendance", args=[meeting_id]),
                {"user": team[who][0].username},
                format="json",
            ),
            201,
        )
    attendance = _ok(coordinator.get(reverse("api:meeting-attendance", args=[meeting_id])))
    assert attendance["quorum"]["quorate"] is False
    assert attendance["quorum"]["missing"] == ["radiologist"]

    # Two liver surgeons vote on the bilobar case, each unseen by the other.
    bilobar = "bilobar-two-stage-primary-in-situ"
    votes_url = item_url("api:agenda-item-votes", bilobar)
    _ok(chair.post(votes_url, {"call": "potentially_resectable"}, format="json"), 201)
    _ok(
        surgeon.post(
            votes_url, {"call": "resectable", "note": "Two-stage feasible"}, format="json"
        ),
        201,
    )
    hidden = _ok(surgeon.get(votes_url))
    assert hidden["revealed"] is False
    assert hidden["votes_recorded"] == 2
    assert hidden["votes"] == []
    assert hidden["mine"]["call"] == "resectable"
    assert _ok(coordinator.get(votes_url))["votes"] == []

    # Only the chair reveals; then everyone sees both calls and how they agree.
    assert surgeon.post(item_url("api:agenda-item-votes-reveal", bilobar)).status_code == 403
    revealed = _ok(chair.post(item_url("api:agenda-item-votes-reveal", bilobar)))
    assert revealed["revealed"] is True
    assert sorted(vote["call"] for vote in revealed["votes"]) == [
        "potentially_resectable",
        "resectable",
    ]
    assert revealed["agreement"]["surgeons_unanimous"] is False
    assert revealed["agreement"]["pathway_resectability"] == "potentially_resectable"
    assert revealed["agreement"]["matching_pathway"] == 1
    assert _ok(oncologist.get(votes_url))["votes"] == revealed["votes"]

    # The meeting starts.
    started = _ok(
        coordinator.patch(
            reverse("api:meeting-detail", args=[meeting_id]),
            {"status": "in_progress"},
            format="json",
        )
    )
    assert started["status"] == "in_progress"

    # A decision taken before the radiologist arrived carries the no-quorum flag.
    unfit = "unfit-small-lesions-ablation"
    unquorate = _ok(
        oncologist.put(
            item_url("api:agenda-item-decision", unfit),
            {
                "plan_codes": ["LOCAL_ABLATIVE_THERAPY"],
                "intent": "curative",
                "agreement": "agree",
            },
            format="json",
        ),
        201,
    )
    assert unquorate["quorate"] is False
    assert "recorded_without_quorum" in unquorate["flags"]

    # The radiologist joins: the meeting is quorate.
    joined = _ok(
        coordinator.post(
            reverse("api:meeting-attendance", args=[meeting_id]),
            {"user": team["radiologist"][0].username},
            format="json",
        ),
        201,
    )
    assert joined["quorum"]["quorate"] is True

    # The chair lists the solitary low-risk case as standard of care: the pathway's primary.
    solitary = "solitary-metachronous-low-risk"
    listed = _ok(
        chair.post(
            item_url("api:agenda-item-standard-of-care", solitary),
            {"intent": "curative"},
            format="json",
        ),
        201,
    )
    assert listed["listed_not_discussed"] is True
    assert listed["plan_codes"] == ["HEPATECTOMY"]
    assert listed["agreement"] == "agree"

    # An agreeing decision on the bilobar case.
    agreed = _ok(
        surgeon.put(
            item_url("api:agenda-item-decision", bilobar),
            {
                "plan_codes": ["TWO_STAGE_HEPATECTOMY", "PORTAL_VEIN_EMBOLIZATION"],
                "plan_text": "First stage with the primary; embolize; second stage.",
                "intent": "curative",
                "agreement": "agree",
            },
            format="json",
        ),
        201,
    )
    assert agreed["quorate"] is True
    assert agreed["flags"] == []

    # A modified decision needs its coded reason and words.
    conversion = "right-sided-ras-mutant-conversion"
    decision_url = item_url("api:agenda-item-decision", conversion)
    body = {
        "plan_codes": ["CONVERSION_CHEMOTHERAPY"],
        "intent": "curative",
        "agreement": "modified",
    }
    missing_reason = oncologist.put(decision_url, body, format="json")
    assert missing_reason.status_code == 400
    assert {"departure_reason", "departure_detail"} <= set(missing_reason.json()["errors"])
    modified = _ok(
        oncologist.put(
            decision_url,
            {
                **body,
                "plan_text": "Doublet rather than triplet.",
                "departure_reason": "comorbidity",
                "departure_detail": "Neuropathy from earlier oxaliplatin.",
            },
            format="json",
        ),
        201,
    )
    assert modified["departure_reason"] == "comorbidity"

    # The chair signs off; the cases are now discussed and the decisions signed.
    assert surgeon.post(reverse("api:meeting-sign-off", args=[meeting_id])).status_code == 403
    signed = _ok(chair.post(reverse("api:meeting-sign-off", args=[meeting_id])))
    assert signed["status"] == "closed"
    assert signed["signed_off_by"] == chair_user.username
    assert Meeting.objects.get(pk=meeting_id).signed_off_at is not None
    assert not Decision.objects.filter(
        agenda_item__meeting_id=meeting_id, signed_off_at__isnull=True
    ).exists()
    assert set(
        MdtCase.objects.filter(agenda_items__meeting_id=meeting_id).values_list("status", flat=True)
    ) == {"discussed"}

    # A signed decision cannot be changed...
    current = oncologist.get(decision_url)
    refused = oncologist.put(
        decision_url,
        {**body, "agreement": "agree"},
        format="json",
        HTTP_IF_MATCH=current["ETag"],
    )
    assert refused.status_code == 409
    assert "amend" in refused.json()["message"].lower() + str(refused.json()["errors"]).lower()
    assert Decision.objects.get(agenda_item_id=items[conversion]).agreement == "modified"

    # ...it is amended: a new version with its reason and author, the first still readable.
    amended = _ok(
        surgeon.post(
            item_url("api:agenda-item-decision-amend", conversion),
            {
                "plan_codes": [],
                "plan_text": "Best supportive care at the patient's request.",
                "intent": "palliative",
                "agreement": "disagree",
                "departure_reason": "patient_preference",
                "departure_detail": "Declined further chemotherapy after the meeting.",
                "amendment_reason": "The patient declined chemotherapy when told.",
            },
            format="json",
        ),
        201,
    )
    assert amended["version"] == 2
    assert amended["recorded_by"] == surgeon_user.username
    history = _ok(oncologist.get(decision_url))
    assert [version["version"] for version in history["versions"]] == [1, 2]
    assert history["versions"][0]["agreement"] == "modified"
    assert history["current"]["agreement"] == "disagree"

    # Concordance of the meeting counts each case's current decision and the revealed votes.
    concordance = _ok(coordinator.get(reverse("api:meeting-concordance"), {"meeting": meeting_id}))
    totals = concordance["totals"]
    assert totals["decisions"] == 4
    assert (totals["agree"], totals["modified"], totals["disagree"]) == (3, 0, 1)
    assert totals["agreement_rate"] == 0.75
    assert totals["listed_not_discussed"] == 1
    assert totals["recorded_without_quorum"] == 1
    assert totals["departures_by_reason"]["patient_preference"] == 1
    assert totals["departures_by_reason"]["comorbidity"] == 0
    assert totals["votes"]["votes"] == 2
    assert totals["votes"]["surgeons_unanimous"] == 0
    assert totals["votes"]["votes_matching_pathway"] == 1

    # The audit trail names who did what.
    decision = Decision.objects.get(agenda_item_id=items[unfit])
    assert decision.history.earliest().history_user == team["oncologist"][0]
