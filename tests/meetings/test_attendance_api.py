"""A meeting's attendance through the API: who is present for which specialty, the quorum that
follows, and the record it leaves (audited, frozen at sign-off, kept for surgeons who voted)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.meetings.models import AgendaItem, Attendance, Meeting, ResectabilityVote
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(hospital):
    """A meeting not started yet and without a chair, unlike the shared `meeting`."""
    return MeetingFactory(hospital=hospital)


def _url(meeting, attendance=None):
    if attendance is None:
        return reverse("api:meeting-attendance", args=[meeting.id])
    return reverse("api:meeting-attendance-detail", args=[meeting.id, attendance.id])


def _sign_off(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        status="closed", signed_off_at=meeting.scheduled_for
    )


def test_attendance_add_colleague_takes_profile_specialty(
    coordinator_client, coordinator, meeting, clinician
):
    response = coordinator_client.post(_url(meeting), {"user": clinician.username}, format="json")

    assert response.status_code == 201, response.data
    attendee = response.json()["attendee"]
    assert attendee["user"] == clinician.username
    assert attendee["name"] == clinician.get_full_name()
    assert attendee["specialty"] == "liver_surgeon"
    assert response.json()["quorum"] == {
        "quorate": False,
        "present": ["liver_surgeon"],
        "missing": ["medical_oncologist", "radiologist"],
    }
    stored = Attendance.objects.get(pk=attendee["id"])
    assert (stored.meeting_id, stored.user_id, stored.specialty) == (
        meeting.id,
        clinician.id,
        "liver_surgeon",
    )
    assert stored.history.get().history_user == coordinator


def test_attendance_add_colleague_with_a_given_specialty(coordinator_client, meeting, clinician):
    response = coordinator_client.post(
        _url(meeting),
        {"user": clinician.username, "specialty": "colorectal_surgeon"},
        format="json",
    )

    assert response.status_code == 201
    assert Attendance.objects.get(meeting=meeting).specialty == "colorectal_surgeon"


def test_attendance_add_guest_by_name(coordinator_client, coordinator, meeting):
    response = coordinator_client.post(
        _url(meeting), {"name": "  Dr Visiting Guest ", "specialty": "pathologist"}, format="json"
    )

    assert response.status_code == 201
    attendee = response.json()["attendee"]
    assert (attendee["user"], attendee["name"], attendee["specialty"]) == (
        None,
        "Dr Visiting Guest",
        "pathologist",
    )
    assert Attendance.objects.get(pk=attendee["id"]).history.get().history_user == coordinator


def test_attendance_add_guest_needs_a_specialty(coordinator_client, meeting):
    response = coordinator_client.post(_url(meeting), {"name": "Dr Guest"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["specialty"]
    assert not Attendance.objects.exists()


def test_attendance_add_colleague_without_a_useful_specialty_needs_one(
    coordinator_client, meeting, make_user
):
    colleague = make_user("clinician", specialty="other")

    refused = coordinator_client.post(_url(meeting), {"user": colleague.username}, format="json")
    given = coordinator_client.post(
        _url(meeting), {"user": colleague.username, "specialty": "radiologist"}, format="json"
    )

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["specialty"]
    assert given.status_code == 201
    assert Attendance.objects.get(meeting=meeting).specialty == "radiologist"


def test_attendance_add_same_colleague_twice_is_refused(coordinator_client, meeting, clinician):
    first = coordinator_client.post(_url(meeting), {"user": clinician.username}, format="json")
    second = coordinator_client.post(
        _url(meeting), {"user": clinician.username, "specialty": "radiologist"}, format="json"
    )

    assert first.status_code == 201
    assert second.status_code == 400
    assert list(second.json()["errors"]) == ["user"]
    assert Attendance.objects.filter(meeting=meeting).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"specialty": "radiologist"},
        {"user": "__colleague__", "name": "Dr Guest", "specialty": "radiologist"},
    ],
    ids=["nothing", "specialty-only", "both"],
)
def test_attendance_add_needs_exactly_one_of_user_or_name(
    coordinator_client, meeting, clinician, body
):
    if body.get("user"):
        body["user"] = clinician.username

    response = coordinator_client.post(_url(meeting), body, format="json")

    assert response.status_code == 400
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user": 5}, "user"),
        ({"user": True}, "user"),
        ({"user": None}, "user"),
        ({"user": ["a"]}, "user"),
        ({"user": "nobody-of-that-name"}, "user"),
        ({"user": "a\x00b"}, "user"),
        ({"user": "x" * 10_000}, "user"),
        ({"name": "Dr \x00 Guest", "specialty": "radiologist"}, "name"),
        ({"name": "x" * 201, "specialty": "radiologist"}, "name"),
        ({"name": "", "specialty": "radiologist"}, "name"),
        ({"name": {"a": 1}, "specialty": "radiologist"}, "name"),
        ({"name": "Dr Guest", "specialty": "astrologer"}, "specialty"),
        ({"name": "Dr Guest", "specialty": True}, "specialty"),
        ({"name": "Dr Guest", "specialty": "radiologist", "role": "x"}, "role"),
    ],
)
def test_attendance_add_malformed_body_is_400(coordinator_client, meeting, body, field):
    response = coordinator_client.post(_url(meeting), body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("body", [[], "user", 5, None])
def test_attendance_add_body_not_an_object_is_400(coordinator_client, meeting, body):
    response = coordinator_client.post(_url(meeting), body, format="json")
    assert response.status_code == 400


def test_attendance_add_colleague_of_another_hospital_is_refused(
    coordinator_client, meeting, make_user, other_hospital
):
    outsider = make_user("clinician", specialty="liver_surgeon", hospital=other_hospital)
    response = coordinator_client.post(_url(meeting), {"user": outsider.username}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["user"]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("role", ["clinician", "viewer"])
def test_attendance_writes_need_a_coordinator(client_for, make_user, meeting, clinician, role):
    attendance = Attendance.objects.create(meeting=meeting, user=clinician, specialty="radiologist")
    client = client_for(make_user(role, specialty="radiologist"))

    added = client.post(_url(meeting), {"name": "Dr Guest", "specialty": "pathologist"})
    removed = client.delete(_url(meeting, attendance))

    assert added.status_code == removed.status_code == 403
    assert list(Attendance.objects.all()) == [attendance]


def test_attendance_quorum_follows_attendees_coming_and_going(
    coordinator_client, client_for, viewer, meeting, clinician, make_user
):
    oncologist = make_user("clinician", specialty="medical_oncologist")
    radiologist = make_user("clinician", specialty="radiologist")
    answers = [
        coordinator_client.post(_url(meeting), {"user": user.username}, format="json").json()
        for user in (clinician, oncologist, radiologist)
    ]
    assert [answer["quorum"]["quorate"] for answer in answers] == [False, False, True]
    assert answers[-1]["quorum"]["missing"] == []

    removed = coordinator_client.delete(
        reverse("api:meeting-attendance-detail", args=[meeting.id, answers[-1]["attendee"]["id"]])
    )

    assert removed.status_code == 204
    listed = client_for(viewer).get(_url(meeting)).json()
    assert listed["quorum"] == {
        "quorate": False,
        "present": ["liver_surgeon", "medical_oncologist"],
        "missing": ["radiologist"],
    }
    assert [attendee["user"] for attendee in listed["attendees"]] == [
        clinician.username,
        oncologist.username,
    ]
    # The meeting's own answer shows the same quorum.
    shown = coordinator_client.get(reverse("api:meeting-detail", args=[meeting.id])).json()
    assert shown["quorum"]["quorate"] is False


def test_attendance_list_any_role_reads_names(client_for, viewer, meeting, make_user):
    named = make_user("clinician", specialty="radiologist", first_name="Ada", last_name="Lovel")
    nameless = make_user("clinician", specialty="pathologist", first_name="", last_name="")
    for user in (named, nameless):
        Attendance.objects.create(
            meeting=meeting, user=user, specialty=user.staff_profile.specialty
        )
    Attendance.objects.create(meeting=meeting, name="Dr Guest", specialty="medical_oncologist")

    response = client_for(viewer).get(_url(meeting))

    assert response.status_code == 200
    assert [(a["user"], a["name"], a["specialty"]) for a in response.json()["attendees"]] == [
        (named.username, "Ada Lovel", "radiologist"),
        (nameless.username, nameless.username, "pathologist"),
        (None, "Dr Guest", "medical_oncologist"),
    ]


def test_attendance_list_query_count_does_not_grow(
    client_for, viewer, meeting, make_user, django_assert_max_num_queries
):
    client = client_for(viewer)
    first = make_user("clinician", specialty="radiologist")
    Attendance.objects.create(meeting=meeting, user=first, specialty="radiologist")
    client.get(_url(meeting))  # the user's roles and profile are cached from here on
    with CaptureQueriesContext(connection) as one:
        client.get(_url(meeting))
    for specialty in ("liver_surgeon", "medical_oncologist"):
        user = make_user("clinician", specialty=specialty)
        Attendance.objects.create(meeting=meeting, user=user, specialty=specialty)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(_url(meeting))

    assert len(response.json()["attendees"]) == 3


def test_attendance_signed_off_meeting_is_final(coordinator_client, meeting, clinician):
    attendance = Attendance.objects.create(meeting=meeting, user=clinician, specialty="radiologist")
    _sign_off(meeting)

    added = coordinator_client.post(
        _url(meeting), {"name": "Dr Guest", "specialty": "pathologist"}, format="json"
    )
    removed = coordinator_client.delete(_url(meeting, attendance))

    assert added.status_code == removed.status_code == 409
    assert list(Attendance.objects.all()) == [attendance]


def test_attendance_remove_of_a_surgeon_who_voted_is_refused(
    coordinator_client, meeting, hospital, clinician
):
    attendance = Attendance.objects.create(
        meeting=meeting, user=clinician, specialty="liver_surgeon"
    )
    item = AgendaItem.objects.create(
        meeting=meeting, case=CaseFactory(patient__hospital=hospital), position=1
    )
    vote = ResectabilityVote.objects.create(agenda_item=item, surgeon=clinician, call="resectable")

    response = coordinator_client.delete(_url(meeting, attendance))

    assert response.status_code == 409
    assert Attendance.objects.filter(pk=attendance.pk).exists()
    assert ResectabilityVote.objects.filter(pk=vote.pk).exists()


def test_attendance_remove_is_audited(coordinator_client, coordinator, meeting, clinician):
    added = coordinator_client.post(_url(meeting), {"user": clinician.username}, format="json")
    attendance_id = added.json()["attendee"]["id"]

    response = coordinator_client.delete(
        reverse("api:meeting-attendance-detail", args=[meeting.id, attendance_id])
    )

    assert response.status_code == 204
    assert not Attendance.objects.filter(pk=attendance_id).exists()
    history = Attendance.history.filter(id=attendance_id).order_by("history_date")
    assert [(row.history_type, row.history_user) for row in history] == [
        ("+", coordinator),
        ("-", coordinator),
    ]


def test_attendance_of_another_hospitals_meeting_is_404(
    coordinator_client, other_hospital, make_user
):
    theirs = MeetingFactory(hospital=other_hospital)
    attendance = Attendance.objects.create(
        meeting=theirs,
        user=make_user("clinician", hospital=other_hospital),
        specialty="radiologist",
    )

    assert coordinator_client.get(_url(theirs)).status_code == 404
    added = coordinator_client.post(
        _url(theirs), {"name": "Dr Guest", "specialty": "pathologist"}, format="json"
    )
    assert added.status_code == 404
    assert coordinator_client.delete(_url(theirs, attendance)).status_code == 404
    assert Attendance.objects.filter(meeting=theirs).count() == 1


def test_attendance_unknown_or_malformed_ids_are_404(coordinator_client, meeting, hospital):
    other = MeetingFactory(hospital=hospital)
    elsewhere = Attendance.objects.create(meeting=other, name="Dr Guest", specialty="radiologist")
    base = _url(meeting)

    assert coordinator_client.get(reverse("api:meeting-attendance", args=["nope"])).status_code == (
        404
    )
    assert coordinator_client.delete(f"{base}{uuid.uuid4()}/").status_code == 404
    assert coordinator_client.delete(f"{base}not-a-uuid/").status_code == 404
    # An attendee of another meeting is not this meeting's.
    assert coordinator_client.delete(_url(meeting, elsewhere)).status_code == 404
    assert Attendance.objects.filter(pk=elsewhere.pk).exists()
