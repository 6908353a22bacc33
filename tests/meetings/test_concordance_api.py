"""The concordance endpoint: counts of current decisions and revealed votes, by meeting and in
total, with its filters, its refusals and a constant query count.

Decisions and votes are made here directly with the ORM (the services that record them are
written beside this endpoint); snapshots come from the recommendation service. Expected figures
are counted by hand from the scenario, in the comments beside them.
"""

import datetime
import json
from types import SimpleNamespace

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.meetings.choices import DepartureReason
from apps.meetings.models import AgendaItem, Decision, ResectabilityVote
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

URL = "api:meeting-concordance"
BILOBAR = "bilobar-two-stage-primary-in-situ"  # potentially resectable
SOLITARY = "solitary-metachronous-low-risk"  # resectable
EHD = "lung-and-peritoneum-unresectable-ehd"  # unresectable
POTENTIAL, RESECTABLE, UNRESECTABLE = "potentially_resectable", "resectable", "unresectable"
DECISION_COUNTS = (
    "decisions",
    "agree",
    "modified",
    "disagree",
    "agreement_rate",
    "listed_not_discussed",
    "recorded_without_quorum",
)


def _at(day: str, hour: int = 8) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=datetime.UTC)


def _case(hospital, facts, actor):
    """A case with facts and one recommendation snapshot; returns (case, snapshot)."""
    case = CaseFactory(patient__hospital=hospital, facts=facts)
    return case, recommendation_create(case=case, actor=actor)


def _item(meeting, case, position, *, revealed=False, moved_to=None):
    return AgendaItem.objects.create(
        meeting=meeting,
        case=case,
        position=position,
        moved_to=moved_to,
        votes_revealed_at=timezone.now() if revealed else None,
    )


def _decide(item, snapshot, agreement, by, *, version=1, reason="", quorate=True, listed=False):
    departs = agreement != "agree"
    return Decision.objects.create(
        agenda_item=item,
        version=version,
        recommendation=snapshot,
        intent="curative",
        agreement=agreement,
        departure_reason=reason,
        departure_detail="Explained to the board." if departs else "",
        listed_not_discussed=listed,
        quorate=quorate,
        amendment_reason="New imaging after the meeting." if version > 1 else "",
        recorded_by=by,
        plan_codes=[snapshot.primary_code],
    )


def _vote(item, surgeon, call):
    return ResectabilityVote.objects.create(agenda_item=item, surgeon=surgeon, call=call)


def _get(client, **params):
    return client.get(reverse(URL), params)


def _zero_departures(**counts):
    return {reason: counts.get(reason, 0) for reason in DepartureReason.values}


@pytest.fixture
def surgeons(make_user):
    return [make_user("clinician", specialty="liver_surgeon") for _ in range(3)]


@pytest.fixture
def scenario(hospital, other_hospital, clinician, make_user, surgeons):
    """Three meetings of the hospital and one of another hospital, counted by hand below."""
    s1, s2, s3 = surgeons
    first = MeetingFactory(hospital=hospital, scheduled_for=_at("2030-01-08"), status="closed")
    second = MeetingFactory(
        hospital=hospital, scheduled_for=_at("2030-02-05"), status="in_progress"
    )
    empty = MeetingFactory(hospital=hospital, scheduled_for=_at("2030-03-05"))

    # First meeting (signed off).
    case_a, snap_a = _case(hospital, BILOBAR, clinician)
    item = _item(first, case_a, 1, revealed=True)
    _decide(item, snap_a, "agree", clinician)
    _vote(item, s1, POTENTIAL)  # unanimous, both match the pathway
    _vote(item, s2, POTENTIAL)

    case_b, snap_b = _case(hospital, SOLITARY, clinician)
    item = _item(first, case_b, 2, revealed=True)
    _decide(item, snap_b, "modified", clinician, reason="comorbidity", quorate=False)
    _vote(item, s1, RESECTABLE)  # split; two of three match
    _vote(item, s2, UNRESECTABLE)
    _vote(item, s3, RESECTABLE)

    case_c, snap_c = _case(hospital, EHD, clinician)
    item = _item(first, case_c, 3)  # votes still hidden: not counted
    _decide(item, snap_c, "disagree", clinician, reason="patient_preference")
    _vote(item, s1, RESECTABLE)
    _vote(item, s2, RESECTABLE)

    case_d, snap_d = _case(hospital, SOLITARY, clinician)
    item = _item(first, case_d, 4)
    _decide(item, snap_d, "agree", clinician, listed=True)

    # No decision yet: the vote is compared with the case's newest snapshot, not an older one.
    case_e, snap_e = _case(hospital, BILOBAR, clinician)
    RecommendationSnapshot.objects.filter(pk=snap_e.pk).update(
        resectability=UNRESECTABLE, created_at=_at("2020-01-01")
    )
    recommendation_create(case=case_e, actor=clinician)  # potentially resectable, newest
    item = _item(first, case_e, 5, revealed=True)
    _vote(item, s1, POTENTIAL)

    # Moved to the second meeting, undiscussed here: nothing of it counts at the first.
    case_f, snap_f = _case(hospital, BILOBAR, clinician)
    _item(first, case_f, 6, revealed=True, moved_to=second)

    # Second meeting: the moved case, agreed then amended to a departure.
    item = _item(second, case_f, 1, revealed=True)
    _decide(item, snap_f, "agree", clinician)
    _decide(item, snap_f, "disagree", clinician, version=2, reason="new_information")
    _vote(item, s1, RESECTABLE)  # unanimous, neither matches (potentially resectable)
    _vote(item, s2, RESECTABLE)

    # Another hospital's meeting on the first meeting's day: never counted.
    outsider = make_user("clinician", hospital=other_hospital, specialty="liver_surgeon")
    foreign = MeetingFactory(
        hospital=other_hospital, scheduled_for=_at("2030-01-08"), status="closed"
    )
    case_x, snap_x = _case(other_hospital, SOLITARY, outsider)
    item = _item(foreign, case_x, 1, revealed=True)
    _decide(item, snap_x, "agree", outsider)
    _vote(item, outsider, RESECTABLE)
    return SimpleNamespace(first=first, second=second, empty=empty, foreign=foreign)


def test_concordance_counts_a_hand_built_scenario(client_for, viewer, scenario):
    response = _get(client_for(viewer))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["filters"] == {"meeting": None, "from": None, "to": None, "signed_only": False}
    first, second, empty = body["meetings"]
    assert [first["id"], second["id"], empty["id"]] == [
        str(scenario.first.id),
        str(scenario.second.id),
        str(scenario.empty.id),
    ]
    assert first["status"] == "closed" and first["signed_off_at"] is not None
    assert first["title"] == scenario.first.title
    # First meeting: decisions A agree, B modified, C disagree, D agree (listed); E undecided,
    # F moved. Votes revealed on A (2, same), B (3, split), E (1); C's are hidden.
    assert {key: first[key] for key in DECISION_COUNTS} == {
        "decisions": 4,
        "agree": 2,
        "modified": 1,
        "disagree": 1,
        "agreement_rate": 0.5,
        "listed_not_discussed": 1,
        "recorded_without_quorum": 1,
    }
    assert first["departures_by_reason"] == _zero_departures(comorbidity=1, patient_preference=1)
    assert first["votes"] == {
        "cases_with_votes": 3,
        "votes": 6,
        "cases_with_two_or_more": 2,
        "surgeons_unanimous": 1,
        "surgeon_agreement_rate": 0.5,
        "votes_matching_pathway": 5,  # A 2, B 2, E 1 (E's newest snapshot)
        "pathway_agreement_rate": 0.833,  # 5 / 6
    }
    # Second meeting: only version 2 (disagree) of F counts.
    assert (second["decisions"], second["agree"], second["disagree"]) == (1, 0, 1)
    assert second["agreement_rate"] == 0.0
    assert second["departures_by_reason"] == _zero_departures(new_information=1)
    assert second["votes"] == {
        "cases_with_votes": 1,
        "votes": 2,
        "cases_with_two_or_more": 1,
        "surgeons_unanimous": 1,
        "surgeon_agreement_rate": 1.0,
        "votes_matching_pathway": 0,
        "pathway_agreement_rate": 0.0,
    }
    # An empty meeting: zeros, and no rate rather than a rate of 0.
    assert empty["decisions"] == 0 and empty["agreement_rate"] is None
    assert empty["departures_by_reason"] == _zero_departures()
    assert empty["votes"]["surgeon_agreement_rate"] is None
    assert empty["votes"]["pathway_agreement_rate"] is None
    # Totals over the hospital's meetings; the other hospital's agreeing decision is not in it.
    totals = body["totals"]
    assert (totals["decisions"], totals["agree"], totals["modified"], totals["disagree"]) == (
        5,
        2,
        1,
        2,
    )
    assert totals["agreement_rate"] == 0.4  # 2 / 5
    assert (totals["listed_not_discussed"], totals["recorded_without_quorum"]) == (1, 1)
    assert totals["departures_by_reason"] == _zero_departures(
        comorbidity=1, patient_preference=1, new_information=1
    )
    assert totals["votes"] == {
        "cases_with_votes": 4,
        "votes": 8,
        "cases_with_two_or_more": 3,
        "surgeons_unanimous": 2,
        "surgeon_agreement_rate": 0.667,  # 2 / 3
        "votes_matching_pathway": 5,
        "pathway_agreement_rate": 0.625,  # 5 / 8
    }


def test_concordance_counts_only_the_newest_decision_version(
    client_for, viewer, hospital, clinician
):
    meeting = MeetingFactory(hospital=hospital, status="closed")
    case, snapshot = _case(hospital, SOLITARY, clinician)
    item = _item(meeting, case, 1)
    _decide(item, snapshot, "agree", clinician)
    client = client_for(viewer)

    before = _get(client).json()["totals"]
    _decide(item, snapshot, "disagree", clinician, version=2, reason="trial")
    after = _get(client).json()["totals"]

    assert (before["decisions"], before["agree"], before["disagree"]) == (1, 1, 0)
    assert before["agreement_rate"] == 1.0
    assert (after["decisions"], after["agree"], after["disagree"]) == (1, 0, 1)
    assert after["agreement_rate"] == 0.0
    assert after["departures_by_reason"] == _zero_departures(trial=1)


def test_concordance_compares_votes_with_the_decisions_snapshot(
    client_for, viewer, hospital, clinician, surgeons
):
    """The board decided against an older snapshot: the votes are compared with that one, not
    with a newer snapshot of the case."""
    meeting = MeetingFactory(hospital=hospital)
    case, older = _case(hospital, BILOBAR, clinician)
    RecommendationSnapshot.objects.filter(pk=older.pk).update(
        resectability=RESECTABLE, created_at=_at("2020-01-01")
    )
    older.refresh_from_db()
    recommendation_create(case=case, actor=clinician)  # newest: potentially resectable
    item = _item(meeting, case, 1, revealed=True)
    _decide(item, older, "agree", clinician)
    _vote(item, surgeons[0], RESECTABLE)
    _vote(item, surgeons[1], POTENTIAL)

    votes = _get(client_for(viewer)).json()["totals"]["votes"]

    assert (votes["votes"], votes["votes_matching_pathway"]) == (2, 1)
    assert votes["pathway_agreement_rate"] == 0.5
    assert (votes["cases_with_two_or_more"], votes["surgeons_unanimous"]) == (1, 0)


def test_concordance_never_counts_hidden_votes(client_for, viewer, hospital, clinician, surgeons):
    meeting = MeetingFactory(hospital=hospital, status="in_progress")
    case, _ = _case(hospital, SOLITARY, clinician)
    item = _item(meeting, case, 1)
    _vote(item, surgeons[0], RESECTABLE)
    _vote(item, surgeons[1], UNRESECTABLE)
    client = client_for(viewer)

    hidden = _get(client).json()
    AgendaItem.objects.filter(pk=item.pk).update(votes_revealed_at=timezone.now())
    revealed = _get(client).json()

    for votes in (hidden["totals"]["votes"], hidden["meetings"][0]["votes"]):
        assert votes == {
            "cases_with_votes": 0,
            "votes": 0,
            "cases_with_two_or_more": 0,
            "surgeons_unanimous": 0,
            "surgeon_agreement_rate": None,
            "votes_matching_pathway": 0,
            "pathway_agreement_rate": None,
        }
    assert revealed["totals"]["votes"]["votes"] == 2
    assert revealed["totals"]["votes"]["votes_matching_pathway"] == 1


def test_concordance_filters_by_inclusive_local_dates(client_for, viewer, scenario):
    client = client_for(viewer)

    def ids(**params):
        response = _get(client, **params)
        assert response.status_code == 200, response.json()
        return [meeting["id"] for meeting in response.json()["meetings"]]

    first, second, empty = (str(m.id) for m in (scenario.first, scenario.second, scenario.empty))
    assert ids(**{"from": "2030-01-08", "to": "2030-02-05"}) == [first, second]
    assert ids(**{"from": "2030-01-09"}) == [second, empty]
    assert ids(to="2030-01-08") == [first]
    assert ids(**{"from": "2030-01-09", "to": "2030-02-04"}) == []
    body = _get(client, **{"from": "2030-02-01"}).json()
    assert body["filters"]["from"] == "2030-02-01" and body["filters"]["to"] is None
    assert body["totals"]["decisions"] == 1  # the second meeting's amended decision only


def test_concordance_dates_are_the_meetings_local_date(client_for, viewer, hospital):
    """23:30 UTC on 30 June is 00:30 on 1 July in London (summer time): a meeting of 1 July."""
    late = MeetingFactory(
        hospital=hospital, scheduled_for=_at("2030-06-30", hour=23).replace(minute=30)
    )
    client = client_for(viewer)

    on_the_first = _get(client, **{"from": "2030-07-01", "to": "2030-07-01"}).json()
    on_the_thirtieth = _get(client, **{"from": "2030-06-30", "to": "2030-06-30"}).json()

    assert [m["id"] for m in on_the_first["meetings"]] == [str(late.id)]
    assert on_the_thirtieth["meetings"] == []


def test_concordance_filters_by_meeting(client_for, viewer, scenario):
    response = _get(client_for(viewer), meeting=str(scenario.second.id))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["filters"]["meeting"] == str(scenario.second.id)
    assert [m["id"] for m in body["meetings"]] == [str(scenario.second.id)]
    assert body["totals"]["decisions"] == 1
    assert body["totals"]["votes"]["votes"] == 2


def test_concordance_signed_only_keeps_signed_off_meetings(client_for, viewer, scenario):
    body = _get(client_for(viewer), signed_only="true").json()

    assert body["filters"]["signed_only"] is True
    assert [m["id"] for m in body["meetings"]] == [str(scenario.first.id)]
    assert body["totals"]["decisions"] == 4
    assert body["totals"]["votes"]["votes"] == 6
    assert _get(client_for(viewer), signed_only="false").json()["totals"]["decisions"] == 5


def test_concordance_never_counts_another_hospitals_meetings(
    client_for, make_user, other_hospital, scenario
):
    """The other hospital's viewer sees its own meeting only; ours are not theirs."""
    outsider = make_user("viewer", hospital=other_hospital)

    body = _get(client_for(outsider)).json()

    assert [m["id"] for m in body["meetings"]] == [str(scenario.foreign.id)]
    assert body["totals"]["decisions"] == 1 and body["totals"]["agree"] == 1
    assert body["totals"]["votes"]["votes"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("meeting=not-a-uuid", "meeting"),
        ("meeting=5654fee7-58f4-4ead-a23e-9a9acc255064", "meeting"),  # no such meeting
        ("meeting=", "meeting"),
        ("meeting=%00", "meeting"),
        ("meeting=true", "meeting"),
        ("from=2030-13-01", "from"),
        ("from=yesterday", "from"),
        ("from=2030-01-08T08:00:00Z", "from"),
        ("from=%00", "from"),
        ("to=" + "9" * 5000, "to"),
        ("to=", "to"),
        ("from=2030-02-01&to=2030-01-31", "from"),
        ("signed_only=1", "signed_only"),
        ("signed_only=yes", "signed_only"),
        ("signed_only=", "signed_only"),
        ("signed_ony=true", "signed_ony"),
        ("date_from=2030-01-01", "date_from"),
        ("signed_only=true&signed_only=false", "signed_only"),
        ("from=2030-01-01&from=2030-02-01", "from"),
    ],
)
def test_concordance_bad_parameter_is_400_naming_it(client_for, viewer, query, field):
    response = client_for(viewer).get(f"{reverse(URL)}?{query}")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


def test_concordance_accepts_the_renderers_format_parameter(client_for, viewer, scenario):
    response = client_for(viewer).get(f"{reverse(URL)}?format=json&signed_only=true")

    assert response.status_code == 200, response.content
    assert response.json()["totals"]["decisions"] == 4


def test_concordance_reports_every_bad_parameter_at_once(client_for, viewer):
    response = client_for(viewer).get(f"{reverse(URL)}?from=x&to=x&to=y&colour=blue")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"from", "to", "colour"}


def test_concordance_meeting_of_another_hospital_is_400(client_for, viewer, other_hospital):
    foreign = MeetingFactory(hospital=other_hospital)

    response = _get(client_for(viewer), meeting=str(foreign.id))

    assert response.status_code == 400
    assert response.json()["errors"] == {"meeting": ["No such meeting in your hospital."]}


@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
def test_concordance_any_role_reads(client_for, make_user, role, scenario):
    response = _get(client_for(make_user(role)))

    assert response.status_code == 200
    assert response.json()["totals"]["decisions"] == 5


def test_concordance_refuses_anonymous_and_roleless(client_for, make_user, scenario):
    assert _get(client_for(None)).status_code == 401
    assert _get(client_for(make_user(None))).status_code == 403


def test_concordance_is_read_only(client_for, make_user):
    coordinator = make_user("coordinator")

    assert client_for(coordinator).post(reverse(URL), {}, format="json").status_code == 405


def _meeting_with_items(hospital, day, clinician, surgeons):
    """A signed-off meeting with three decided cases, one amended, and revealed votes."""
    meeting = MeetingFactory(hospital=hospital, scheduled_for=_at(day), status="closed")
    for position, facts in enumerate((BILOBAR, SOLITARY, EHD), start=1):
        case, snapshot = _case(hospital, facts, clinician)
        item = _item(meeting, case, position, revealed=True)
        _decide(item, snapshot, "agree", clinician)
        if position == 2:
            _decide(item, snapshot, "modified", clinician, version=2, reason="other")
        for surgeon in surgeons:
            _vote(item, surgeon, snapshot.resectability)
    return meeting


def test_concordance_query_count_does_not_grow_with_meetings(
    client_for, viewer, hospital, clinician, surgeons, django_assert_max_num_queries
):
    client = client_for(viewer)
    _meeting_with_items(hospital, "2030-01-08", clinician, surgeons)
    _get(client)  # warm-up: the user's roles are cached on the user object after one request

    with CaptureQueriesContext(connection) as one_meeting:
        assert _get(client).json()["totals"]["decisions"] == 3
    for day in ("2030-01-15", "2030-01-22", "2030-01-29", "2030-02-05"):
        _meeting_with_items(hospital, day, clinician, surgeons)
    with django_assert_max_num_queries(len(one_meeting.captured_queries)):
        body = _get(client).json()

    assert len(body["meetings"]) == 5
    assert body["totals"]["decisions"] == 15
    assert body["totals"]["votes"]["votes"] == 45
    assert body["totals"]["votes"]["pathway_agreement_rate"] == 1.0
    # With a meeting filter, too (the meeting is looked up once).
    with django_assert_max_num_queries(len(one_meeting.captured_queries) + 1):
        _get(client, meeting=body["meetings"][0]["id"])


@pytest.mark.parametrize(
    "query",
    [{}, {"from": "2030-01-01", "to": "2030-02-28", "signed_only": "true"}, {"meeting": "second"}],
)
def test_concordance_answer_is_what_its_serializer_describes(client_for, viewer, scenario, query):
    """The answer is written directly (ten years of meetings are too many to walk field by
    field); the output serializer, which the schema shows, describes it exactly."""
    from apps.meetings.api.serializers.concordance import ConcordanceOutputSerializer
    from apps.meetings.selectors.concordance import concordance_summary
    from apps.meetings.selectors.concordance_sources import concordance_sources

    Meeting = type(scenario.first)
    Meeting.objects.filter(pk=scenario.first.pk).update(signed_off_at=_at("2030-01-08", 11))
    if query.get("meeting") == "second":
        query = {"meeting": str(scenario.second.id)}
    body = _get(client_for(viewer), **query).json()

    meeting = Meeting.objects.get(pk=query["meeting"]) if "meeting" in query else None
    dates = {
        name: datetime.date.fromisoformat(query[name]) if name in query else None
        for name in ("from", "to")
    }
    result = concordance_summary(
        user=viewer,
        meeting=meeting,
        date_from=dates["from"],
        date_to=dates["to"],
        signed_only=query.get("signed_only") == "true",
    )
    echo = {"meeting": meeting.pk if meeting else None, **dates}
    echo["signed_only"] = query.get("signed_only") == "true"
    described = ConcordanceOutputSerializer(
        {
            "filters": echo,
            "totals": result.totals,
            "meetings": result.meetings,
            "sources": concordance_sources(
                viewer.staff_profile.hospital, dates["from"], dates["to"]
            ),
        }
    ).data
    assert body == json.loads(json.dumps(described, cls=DjangoJSONEncoder))
    assert body["meetings"], "the scenario has meetings to describe"
    assert any(m["signed_off_at"] for m in body["meetings"]) or "meeting" in query
