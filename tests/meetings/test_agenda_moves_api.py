"""Moving an undiscussed case to a later meeting, and a case's history across meetings."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.meetings.models import AgendaItem, Decision, Meeting, ResectabilityVote
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(days=7)


@pytest.fixture
def meeting(hospital):
    """A meeting in progress without a chair: moving a case needs none."""
    return MeetingFactory(hospital=hospital, status="in_progress")


@pytest.fixture
def later(hospital, meeting):
    return MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + WEEK)


@pytest.fixture
def item(meeting, case, clinician):
    """`case` placed on the agenda directly, with a presenter and a question of its own."""
    return AgendaItem.objects.create(
        meeting=meeting,
        case=case,
        position=1,
        presenter=clinician,
        question="Is a one-stage resection possible?",
    )


def _move_url(item):
    return reverse("api:agenda-item-move", args=[item.meeting_id, item.id])


def _decide(item, user, version=1):
    return Decision.objects.create(
        agenda_item=item,
        version=version,
        recommendation=item.case.recommendations.first(),
        intent="curative",
        agreement="agree",
        quorate=True,
        recorded_by=user,
        plan_codes=["x"],
        amendment_reason="" if version == 1 else "New imaging.",
    )


def _sign_off(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        status="closed", signed_off_at=meeting.scheduled_for
    )


# --- moving ---------------------------------------------------------------------------------


def test_move_puts_the_case_on_the_later_meeting(
    coordinator_client, coordinator, item, later, hospital, clinician
):
    already = AgendaItem.objects.create(
        meeting=later, case=CaseFactory(patient__hospital=hospital), position=1
    )

    response = coordinator_client.post(_move_url(item), {"meeting": str(later.id)}, format="json")

    assert response.status_code == 201, response.data
    body = response.json()
    moved = AgendaItem.objects.get(pk=body["id"])
    assert (moved.meeting, moved.case, moved.position) == (later, item.case, already.position + 1)
    assert (moved.presenter, moved.question) == (clinician, "Is a one-stage resection possible?")
    assert body["case"] == str(item.case_id)
    assert body["presenter"] == clinician.username
    assert body["question"] == "Is a one-stage resection possible?"
    assert body["moved_to"] is None
    assert body["decision"] is None
    origin = AgendaItem.objects.get(pk=item.pk)
    assert origin.moved_to == later
    assert origin.history.order_by("-history_date").first().history_user == coordinator
    assert moved.history.get().history_user == coordinator
    # The origin stays on its agenda, pointing at the later meeting.
    agenda = coordinator_client.get(reverse("api:meeting-agenda", args=[item.meeting_id])).json()
    assert [(entry["id"], entry["moved_to"]) for entry in agenda] == [(str(item.id), str(later.id))]


def test_move_case_with_the_case_question_keeps_it_blank(coordinator_client, item, later):
    AgendaItem.objects.filter(pk=item.pk).update(question="", presenter=None)

    response = coordinator_client.post(_move_url(item), {"meeting": str(later.id)}, format="json")

    assert response.status_code == 201
    moved = AgendaItem.objects.get(pk=response.json()["id"])
    assert (moved.question, moved.presenter) == ("", None)
    assert response.json()["question"] == item.case.question


def test_move_refused_from_a_signed_off_meeting(coordinator_client, item, later):
    _sign_off(item.meeting)

    response = coordinator_client.post(_move_url(item), {"meeting": str(later.id)}, format="json")

    assert response.status_code == 409
    assert AgendaItem.objects.get(pk=item.pk).moved_to is None
    assert not later.agenda_items.exists()


def test_move_refused_twice(coordinator_client, item, later, hospital):
    even_later = MeetingFactory(hospital=hospital, scheduled_for=later.scheduled_for + WEEK)
    first = coordinator_client.post(_move_url(item), {"meeting": str(later.id)}, format="json")

    second = coordinator_client.post(
        _move_url(item), {"meeting": str(even_later.id)}, format="json"
    )

    assert (first.status_code, second.status_code) == (201, 409)
    assert AgendaItem.objects.get(pk=item.pk).moved_to == later
    assert not even_later.agenda_items.exists()


def test_move_refused_once_decided(coordinator_client, item, later, clinician):
    _decide(item, clinician)

    response = coordinator_client.post(_move_url(item), {"meeting": str(later.id)}, format="json")

    assert response.status_code == 409
    assert AgendaItem.objects.get(pk=item.pk).moved_to is None
    assert not later.agenda_items.exists()


def _same(meeting, hospital, item):
    return meeting


def _closed(meeting, hospital, item):
    return MeetingFactory(
        hospital=hospital, status="closed", scheduled_for=meeting.scheduled_for + WEEK
    )


def _earlier(meeting, hospital, item):
    return MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for - WEEK)


def _same_time(meeting, hospital, item):
    return MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for)


def _case_already_there(meeting, hospital, item):
    target = MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + WEEK)
    AgendaItem.objects.create(meeting=target, case=item.case, position=1)
    return target


def _other_hospital(meeting, hospital, item):
    return MeetingFactory(scheduled_for=meeting.scheduled_for + WEEK)


@pytest.mark.parametrize(
    "target", [_same, _closed, _earlier, _same_time, _case_already_there, _other_hospital]
)
def test_move_refused_to_an_unsuitable_meeting(coordinator_client, meeting, hospital, item, target):
    to_meeting = target(meeting, hospital, item)
    items_before = AgendaItem.objects.count()

    response = coordinator_client.post(
        _move_url(item), {"meeting": str(to_meeting.id)}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["meeting"]
    assert AgendaItem.objects.get(pk=item.pk).moved_to is None
    assert AgendaItem.objects.count() == items_before


def test_move_to_an_earlier_meeting_says_it_must_be_later(
    coordinator_client, meeting, hospital, item
):
    earlier = _earlier(meeting, hospital, item)
    response = coordinator_client.post(_move_url(item), {"meeting": str(earlier.id)})
    assert "must be later than this meeting" in response.json()["errors"]["meeting"][0]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"meeting": None},
        {"meeting": "not-a-uuid"},
        {"meeting": str(uuid.uuid4())},
        {"meeting": 5},
        {"meeting": True},
        {"meeting": -1},
        {"meeting": ["x"]},
        {"meeting": {"id": "x"}},
        {"meeting": "a\x00b"},
        {"meeting": "x" * 10_000},
    ],
)
def test_move_malformed_body_is_400_on_meeting(coordinator_client, item, body):
    response = coordinator_client.post(_move_url(item), body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["meeting"]
    assert AgendaItem.objects.get(pk=item.pk).moved_to is None


def test_move_unknown_field_or_non_object_is_400(coordinator_client, item, later):
    unknown = coordinator_client.post(
        _move_url(item), {"meeting": str(later.id), "position": 1}, format="json"
    )
    listed = coordinator_client.post(_move_url(item), [str(later.id)], format="json")

    assert unknown.status_code == listed.status_code == 400
    assert "position" in unknown.json()["errors"]
    assert not later.agenda_items.exists()


@pytest.mark.parametrize("role", ["clinician", "viewer"])
def test_move_needs_a_coordinator(client_for, make_user, item, later, role):
    response = client_for(make_user(role)).post(
        _move_url(item), {"meeting": str(later.id)}, format="json"
    )

    assert response.status_code == 403
    assert not later.agenda_items.exists()


def test_move_of_another_hospitals_item_is_404(coordinator_client, other_hospital):
    theirs = MeetingFactory(hospital=other_hospital)
    their_later = MeetingFactory(hospital=other_hospital, scheduled_for=theirs.scheduled_for + WEEK)
    their_item = AgendaItem.objects.create(
        meeting=theirs, case=CaseFactory(patient__hospital=other_hospital), position=1
    )

    response = coordinator_client.post(
        _move_url(their_item), {"meeting": str(their_later.id)}, format="json"
    )

    assert response.status_code == 404
    assert AgendaItem.objects.get(pk=their_item.pk).moved_to is None


# --- a case's meetings ----------------------------------------------------------------------


def _history_url(case):
    return reverse("api:case-meetings", args=[case.id])


def test_case_meetings_lists_each_meeting_in_date_order(
    coordinator_client, client_for, viewer, item, later, clinician, make_user, meeting
):
    moved = coordinator_client.post(_move_url(item), {"meeting": str(later.id)}, format="json")
    moved_item = AgendaItem.objects.get(pk=moved.json()["id"])
    for call in ("resectable", "unresectable"):
        ResectabilityVote.objects.create(
            agenda_item=moved_item,
            surgeon=make_user("clinician", specialty="liver_surgeon"),
            call=call,
        )
    AgendaItem.objects.filter(pk=moved_item.pk).update(
        votes_revealed_at=later.scheduled_for, votes_revealed_by=clinician
    )
    _decide(moved_item, clinician)
    current = _decide(moved_item, clinician, version=2)

    response = client_for(viewer).get(_history_url(item.case))

    assert response.status_code == 200
    first, second = response.json()
    assert first["meeting"] == {
        "id": str(meeting.id),
        "title": meeting.title,
        "scheduled_for": "2030-01-08T08:00:00Z",
        "status": "in_progress",
        "signed_off_at": None,
    }
    assert (first["agenda_item"], first["position"], first["question"]) == (
        str(item.id),
        1,
        "Is a one-stage resection possible?",
    )
    assert first["moved_to"] == str(later.id)
    assert (first["votes_recorded"], first["votes_revealed_at"]) == (0, None)
    assert (first["decision"], first["decision_versions"]) == (None, 0)
    assert second["meeting"]["id"] == str(later.id)
    assert second["agenda_item"] == str(moved_item.id)
    assert second["moved_to"] is None
    assert second["votes_recorded"] == 2
    assert second["votes_revealed_at"] is not None
    assert second["decision"]["id"] == str(current.id)
    assert second["decision"]["version"] == 2
    assert second["decision_versions"] == 2


def test_case_meetings_of_a_case_never_on_an_agenda_is_empty(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital)
    response = coordinator_client.get(_history_url(case))
    assert (response.status_code, response.json()) == (200, [])


def test_case_meetings_of_another_hospitals_case_is_404(coordinator_client, other_hospital):
    theirs = CaseFactory(patient__hospital=other_hospital)
    AgendaItem.objects.create(
        meeting=MeetingFactory(hospital=other_hospital), case=theirs, position=1
    )

    assert coordinator_client.get(_history_url(theirs)).status_code == 404
    malformed = reverse("api:case-meetings", args=["not-a-uuid"])
    assert coordinator_client.get(malformed).status_code == 404
    unknown = reverse("api:case-meetings", args=[uuid.uuid4()])
    assert coordinator_client.get(unknown).status_code == 404


def test_case_meetings_query_count_does_not_grow(
    client_for, viewer, hospital, case, clinician, django_assert_max_num_queries
):
    client = client_for(viewer)
    start = datetime.datetime(2030, 1, 8, 8, tzinfo=datetime.UTC)
    meetings = [MeetingFactory(hospital=hospital, scheduled_for=start + n * WEEK) for n in range(3)]

    def put_on(meeting):
        on = AgendaItem.objects.create(meeting=meeting, case=case, position=1)
        ResectabilityVote.objects.create(agenda_item=on, surgeon=clinician, call="resectable")
        _decide(on, clinician)

    put_on(meetings[0])
    client.get(_history_url(case))  # the user's roles and profile are cached from here on
    with CaptureQueriesContext(connection) as one:
        client.get(_history_url(case))
    for meeting in meetings[1:]:
        put_on(meeting)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(_history_url(case))

    assert [entry["meeting"]["id"] for entry in response.json()] == [str(m.id) for m in meetings]
    assert [entry["decision_versions"] for entry in response.json()] == [1, 1, 1]
