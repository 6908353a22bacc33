"""The liver surgeons' independent resectability votes through the API: only attending liver
surgeons vote, nobody reads another's call before the chair reveals them, and the revealed
votes are compared with each other and with the pathway."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.meetings.models import AgendaItem, Attendance, Decision, Meeting, ResectabilityVote
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

CALLS = ("resectable", "potentially_resectable", "unresectable")


@pytest.fixture
def surgeons(make_user, meeting):
    """Three liver surgeons on the meeting's attendance."""
    made = [make_user("clinician", specialty="liver_surgeon") for _ in range(3)]
    for surgeon in made:
        Attendance.objects.create(meeting=meeting, user=surgeon, specialty="liver_surgeon")
    return made


@pytest.fixture
def item(meeting, case):
    """`case` placed on the agenda directly, without the agenda service the shared `item` uses."""
    return AgendaItem.objects.create(meeting=meeting, case=case, position=1)


def _url(item, reveal=False):
    name = "api:agenda-item-votes-reveal" if reveal else "api:agenda-item-votes"
    return reverse(name, args=[item.meeting_id, item.id])


def _vote(client_for, surgeon, item, call, note=""):
    body = {"call": call, "note": note} if note else {"call": call}
    return client_for(surgeon).post(_url(item), body, format="json")


def _decide(item, user, snapshot=None):
    return Decision.objects.create(
        agenda_item=item,
        recommendation=snapshot or RecommendationSnapshot.objects.filter(case=item.case).first(),
        intent="curative",
        agreement="agree",
        quorate=True,
        recorded_by=user,
        plan_codes=["x"],
    )


# --- recording ------------------------------------------------------------------------------


def test_vote_record_then_replace(client_for, item, surgeons):
    surgeon = surgeons[0]

    first = _vote(client_for, surgeon, item, "resectable", note="Two segments spared.")
    second = _vote(client_for, surgeon, item, "potentially_resectable")

    assert first.status_code == 201, first.data
    assert first.json()["surgeon"] == surgeon.username
    assert first.json()["note"] == "Two segments spared."
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    stored = ResectabilityVote.objects.get(agenda_item=item)
    assert (stored.surgeon, stored.call, stored.note) == (surgeon, "potentially_resectable", "")
    assert [row.history_user for row in stored.history.order_by("history_date")] == [
        surgeon,
        surgeon,
    ]


def test_vote_same_call_again_changes_nothing(client_for, item, surgeons):
    _vote(client_for, surgeons[0], item, "resectable")
    again = _vote(client_for, surgeons[0], item, "resectable")

    assert again.status_code == 200
    assert ResectabilityVote.objects.get(agenda_item=item).history.count() == 1


def test_vote_refused_to_a_surgeon_not_attending(client_for, make_user, item, surgeons):
    absent = make_user("clinician", specialty="liver_surgeon")

    response = _vote(client_for, absent, item, "resectable")

    assert response.status_code == 403
    assert not ResectabilityVote.objects.exists()


def test_vote_refused_to_a_clinician_not_attending_as_liver_surgeon(
    client_for, make_user, meeting, item, clinician
):
    oncologist = make_user("clinician", specialty="medical_oncologist")
    Attendance.objects.create(meeting=meeting, user=oncologist, specialty="medical_oncologist")
    # A liver surgeon by profile, sitting in for another specialty at this meeting.
    Attendance.objects.create(meeting=meeting, user=clinician, specialty="colorectal_surgeon")

    answers = [_vote(client_for, user, item, "resectable") for user in (oncologist, clinician)]

    assert [answer.status_code for answer in answers] == [403, 403]
    assert not ResectabilityVote.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_vote_refused_to_other_roles(client_for, make_user, meeting, item, role):
    user = make_user(role, specialty="liver_surgeon")
    Attendance.objects.create(meeting=meeting, user=user, specialty="liver_surgeon")

    assert _vote(client_for, user, item, "resectable").status_code == 403
    assert not ResectabilityVote.objects.exists()


def _signed_off(item, **_):
    Meeting.objects.filter(pk=item.meeting_id).update(
        status="closed", signed_off_at=item.meeting.scheduled_for
    )


def _moved(item, hospital, **_):
    later = MeetingFactory(hospital=hospital, scheduled_for="2030-02-01T08:00:00Z")
    AgendaItem.objects.filter(pk=item.pk).update(moved_to=later)


def _revealed(item, chair, **_):
    AgendaItem.objects.filter(pk=item.pk).update(
        votes_revealed_at=item.meeting.scheduled_for, votes_revealed_by=chair
    )


def _decided(item, chair, **_):
    _decide(item, chair)


@pytest.mark.parametrize("state", [_signed_off, _moved, _revealed, _decided])
def test_vote_refused_when_the_state_forbids_it(client_for, item, surgeons, chair, hospital, state):
    ResectabilityVote.objects.create(agenda_item=item, surgeon=surgeons[0], call="resectable")
    state(item, hospital=hospital, chair=chair)

    new = _vote(client_for, surgeons[1], item, "unresectable")
    replaced = _vote(client_for, surgeons[0], item, "unresectable")

    assert new.status_code == replaced.status_code == 409
    assert list(ResectabilityVote.objects.values_list("surgeon", "call")) == [
        (surgeons[0].pk, "resectable")
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "call"),
        ({"call": "maybe"}, "call"),
        ({"call": True}, "call"),
        ({"call": None}, "call"),
        ({"call": ["resectable"]}, "call"),
        ({"call": "resectable", "note": "x" * 2001}, "note"),
        ({"call": "resectable", "note": "a\x00b"}, "note"),
        ({"call": "resectable", "surgeon": "someone"}, "surgeon"),
    ],
)
def test_vote_malformed_body_is_400(client_for, item, surgeons, body, field):
    response = client_for(surgeons[0]).post(_url(item), body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ResectabilityVote.objects.exists()


@pytest.mark.parametrize("body", [[], "resectable", None])
def test_vote_body_not_an_object_is_400(client_for, item, surgeons, body):
    response = client_for(surgeons[0]).post(_url(item), body, format="json")
    assert response.status_code == 400


# --- hidden until revealed ------------------------------------------------------------------


def test_votes_hidden_before_reveal_from_every_role(
    client_for, item, surgeons, chair, coordinator, viewer
):
    first, second, silent = surgeons
    _vote(client_for, first, item, "resectable", note="Clear margins possible.")
    _vote(client_for, second, item, "unresectable", note="Hepatic veins involved.")

    readers = {
        "voter": first,
        "silent surgeon": silent,
        "chair": chair,
        "coordinator": coordinator,
        "viewer": viewer,
    }
    for who, reader in readers.items():
        response = client_for(reader).get(_url(item))
        assert response.status_code == 200, who
        body = response.json()
        assert body["revealed"] is False, who
        assert body["revealed_at"] is None, who
        assert body["votes_recorded"] == 2, who
        assert body["voters"] == [first.username, second.username], who
        assert body["votes"] == [], who
        assert body["agreement"] is None, who
        # Nobody reads the other surgeon's call or note.
        text = json.dumps(body)
        assert "unresectable" not in text, who
        assert "Hepatic veins" not in text, who
        if reader == first:
            assert body["mine"]["call"] == "resectable"
            assert body["mine"]["note"] == "Clear margins possible."
        else:
            assert body["mine"] is None, who
            assert "resectable" not in text, who


def test_votes_answer_of_a_vote_shows_only_the_callers_vote(client_for, item, surgeons):
    _vote(client_for, surgeons[0], item, "unresectable")

    response = _vote(client_for, surgeons[1], item, "resectable")

    assert "unresectable" not in json.dumps(response.json())


# --- the reveal -----------------------------------------------------------------------------


def test_votes_reveal_by_the_chair_shows_every_vote(client_for, item, surgeons, chair, viewer):
    for surgeon, call in zip(surgeons, ["resectable", "resectable", "unresectable"], strict=True):
        _vote(client_for, surgeon, item, call)

    response = client_for(chair).post(_url(item, reveal=True))

    assert response.status_code == 200, response.data
    body = response.json()
    assert body["revealed"] is True
    assert body["revealed_at"] is not None
    assert [(vote["surgeon"], vote["call"]) for vote in body["votes"]] == [
        (surgeons[0].username, "resectable"),
        (surgeons[1].username, "resectable"),
        (surgeons[2].username, "unresectable"),
    ]
    assert body["agreement"] == {
        "surgeons_unanimous": False,
        "pairwise_agreement": pytest.approx(1 / 3),
        "pathway_resectability": "resectable",
        "matching_pathway": 2,
        "pathway_agreement": pytest.approx(2 / 3),
    }
    stored = AgendaItem.objects.get(pk=item.pk)
    assert stored.votes_revealed_by == chair
    assert stored.votes_revealed_at is not None
    assert stored.history.order_by("-history_date").first().history_user == chair
    # Now every role reads them.
    seen = client_for(viewer).get(_url(item)).json()
    assert seen["revealed"] is True
    assert seen["mine"] is None
    assert [vote["call"] for vote in seen["votes"]] == ["resectable", "resectable", "unresectable"]


@pytest.mark.parametrize("who", ["coordinator", "surgeon"])
def test_votes_reveal_by_someone_other_than_the_chair_is_refused(
    client_for, item, surgeons, coordinator, who
):
    _vote(client_for, surgeons[0], item, "resectable")
    user = coordinator if who == "coordinator" else surgeons[0]

    response = client_for(user).post(_url(item, reveal=True))

    assert response.status_code == 403
    assert AgendaItem.objects.get(pk=item.pk).votes_revealed_at is None
    assert client_for(user).get(_url(item)).json()["votes"] == []


def test_votes_reveal_refused_to_a_viewer_even_as_chair(client_for, item, surgeons, viewer):
    Meeting.objects.filter(pk=item.meeting_id).update(chair=viewer)
    _vote(client_for, surgeons[0], item, "resectable")

    assert client_for(viewer).post(_url(item, reveal=True)).status_code == 403
    assert AgendaItem.objects.get(pk=item.pk).votes_revealed_at is None


def test_votes_reveal_without_a_chair_is_refused(client_for, item, surgeons, coordinator):
    Meeting.objects.filter(pk=item.meeting_id).update(chair=None)
    _vote(client_for, surgeons[0], item, "resectable")

    response = client_for(coordinator).post(_url(item, reveal=True))

    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["chair"]


def test_votes_reveal_refused_without_votes(client_for, item, chair):
    response = client_for(chair).post(_url(item, reveal=True))

    assert response.status_code == 409
    assert AgendaItem.objects.get(pk=item.pk).votes_revealed_at is None


def test_votes_reveal_refused_twice(client_for, item, surgeons, chair):
    _vote(client_for, surgeons[0], item, "resectable")
    first = client_for(chair).post(_url(item, reveal=True))
    revealed_at = AgendaItem.objects.get(pk=item.pk).votes_revealed_at

    second = client_for(chair).post(_url(item, reveal=True))

    assert (first.status_code, second.status_code) == (200, 409)
    assert AgendaItem.objects.get(pk=item.pk).votes_revealed_at == revealed_at


def test_votes_reveal_refused_on_a_signed_off_meeting(client_for, item, surgeons, chair):
    _vote(client_for, surgeons[0], item, "resectable")
    _signed_off(item)

    assert client_for(chair).post(_url(item, reveal=True)).status_code == 409
    assert AgendaItem.objects.get(pk=item.pk).votes_revealed_at is None


# --- agreement ------------------------------------------------------------------------------


def test_votes_agreement_with_one_vote_and_no_pathway(client_for, hospital, meeting, surgeons):
    bare = AgendaItem.objects.create(
        meeting=meeting, case=CaseFactory(patient__hospital=hospital), position=2
    )
    _vote(client_for, surgeons[0], bare, "potentially_resectable")

    body = client_for(meeting.chair).post(_url(bare, reveal=True)).json()

    assert body["agreement"] == {
        "surgeons_unanimous": None,
        "pairwise_agreement": None,
        "pathway_resectability": None,
        "matching_pathway": None,
        "pathway_agreement": None,
    }


def test_votes_agreement_unanimous(client_for, item, surgeons, chair):
    for surgeon in surgeons[:2]:
        _vote(client_for, surgeon, item, "unresectable")

    agreement = client_for(chair).post(_url(item, reveal=True)).json()["agreement"]

    assert agreement["surgeons_unanimous"] is True
    assert agreement["pairwise_agreement"] == 1.0
    assert (agreement["matching_pathway"], agreement["pathway_agreement"]) == (0, 0.0)


def test_votes_agreement_uses_the_snapshot_of_the_decision(
    client_for, item, surgeons, chair, coordinator
):
    decided_on = RecommendationSnapshot.objects.get(case=item.case)
    RecommendationSnapshot.objects.filter(pk=decided_on.pk).update(resectability="unresectable")
    newest = recommendation_create(case=item.case, actor=coordinator)
    assert newest.resectability == "resectable"
    for surgeon, call in zip(surgeons, ["unresectable", "resectable", "unresectable"], strict=True):
        _vote(client_for, surgeon, item, call)
    _decide(item, chair, snapshot=decided_on)

    agreement = client_for(chair).post(_url(item, reveal=True)).json()["agreement"]

    assert agreement["pathway_resectability"] == "unresectable"
    assert agreement["matching_pathway"] == 2


def test_votes_agreement_without_decision_uses_the_newest_snapshot(
    client_for, item, surgeons, chair, coordinator
):
    older = RecommendationSnapshot.objects.get(case=item.case)
    recommendation_create(case=item.case, actor=coordinator)
    RecommendationSnapshot.objects.filter(pk=older.pk).update(resectability="unresectable")
    _vote(client_for, surgeons[0], item, "resectable")

    agreement = client_for(chair).post(_url(item, reveal=True)).json()["agreement"]

    assert agreement["pathway_resectability"] == "resectable"
    assert agreement["pathway_agreement"] == 1.0


def test_votes_list_query_count_does_not_grow(
    client_for, item, surgeons, chair, viewer, django_assert_max_num_queries
):
    client = client_for(viewer)
    _vote(client_for, surgeons[0], item, "resectable")
    AgendaItem.objects.filter(pk=item.pk).update(
        votes_revealed_at=item.meeting.scheduled_for, votes_revealed_by=chair
    )
    client.get(_url(item))  # the user's roles and profile are cached from here on
    with CaptureQueriesContext(connection) as one:
        client.get(_url(item))
    for surgeon in surgeons[1:]:
        ResectabilityVote.objects.create(agenda_item=item, surgeon=surgeon, call="unresectable")

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(_url(item))

    assert len(response.json()["votes"]) == 3


# --- scope ----------------------------------------------------------------------------------


def test_votes_of_another_hospitals_meeting_are_404(client_for, make_user, other_hospital):
    outsider_chair = make_user("clinician", hospital=other_hospital)
    theirs = MeetingFactory(hospital=other_hospital, chair=outsider_chair)
    their_item = AgendaItem.objects.create(
        meeting=theirs, case=CaseFactory(patient__hospital=other_hospital), position=1
    )
    ResectabilityVote.objects.create(
        agenda_item=their_item, surgeon=outsider_chair, call="resectable"
    )
    surgeon = make_user("clinician", specialty="liver_surgeon")
    client = client_for(surgeon)

    assert client.get(_url(their_item)).status_code == 404
    assert client.post(_url(their_item), {"call": "unresectable"}).status_code == 404
    assert client.post(_url(their_item, reveal=True)).status_code == 404
    assert ResectabilityVote.objects.get(agenda_item=their_item).call == "resectable"
    assert AgendaItem.objects.get(pk=their_item.pk).votes_revealed_at is None


def test_votes_item_of_another_meeting_or_malformed_ids_are_404(
    client_for, hospital, item, surgeons
):
    other = MeetingFactory(hospital=hospital)
    client = client_for(surgeons[0])

    wrong_meeting = reverse("api:agenda-item-votes", args=[other.id, item.id])
    assert client.post(wrong_meeting, {"call": "resectable"}).status_code == 404
    malformed = reverse("api:agenda-item-votes", args=[item.meeting_id, "not-a-uuid"])
    assert client.get(malformed).status_code == 404
    assert not ResectabilityVote.objects.exists()
