"""The meeting list, scheduling a meeting, and the meeting page with its agenda, attendance,
quorum badge, start and sign-off (browser pages, Django test client)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import AgendaItem, Attendance, DecisionAction, Meeting
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import decision_record
from tests.factories import CaseFactory, MeetingFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def detail_url(meeting):
    return reverse("meetings:meeting-detail", kwargs={"meeting_id": meeting.pk})


def agree(item, actor):
    return decision_record(
        item=item,
        actor=actor,
        data={"agreement": "agree", "plan_codes": ["HEPATECTOMY"], "intent": "curative"},
    )


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["meetings:meeting-list", "meetings:meeting-new", "meetings:meeting-detail"]
)
def test_pages_send_anonymous_users_to_login(client, meeting, name):
    url = reverse(name, kwargs={"meeting_id": meeting.pk} if name.endswith("detail") else None)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
def test_meeting_page_renders_for_every_role(client, request, meeting, item, role):
    client.force_login(request.getfixturevalue(role))
    page = client.get(detail_url(meeting)).content.decode()
    assert item.case.patient.mrn in page
    assert 'data-testid="quorum"' in page
    # Only coordinators get the agenda's and the attendance's forms.
    assert ("<legend>Add a case</legend>" in page) == (role == "coordinator")
    assert ('id="attendance-add"' in page) == (role == "coordinator")


def test_meeting_of_another_hospital_is_404(client, make_user, other_hospital, meeting, item):
    client.force_login(make_user("coordinator", hospital=other_hospital))
    assert client.get(detail_url(meeting)).status_code == 404
    url = reverse("meetings:agenda-remove", args=[meeting.pk, item.pk])
    assert client.post(url).status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("role", ["viewer", "clinician"])
def test_agenda_and_attendance_writes_are_coordinators(client, request, meeting, item, role):
    client.force_login(request.getfixturevalue(role))
    other = CaseFactory(patient__hospital=meeting.hospital)
    writes = [
        (reverse("meetings:agenda-add", args=[meeting.pk]), {"case": other.pk}),
        (reverse("meetings:agenda-reorder", args=[meeting.pk, item.pk]), {"direction": "up"}),
        (reverse("meetings:agenda-remove", args=[meeting.pk, item.pk]), {}),
        (
            reverse("meetings:attendance-add", args=[meeting.pk]),
            {"name": "X", "specialty": "other"},
        ),
        (reverse("meetings:meeting-start", args=[meeting.pk]), {}),
        (reverse("meetings:meeting-new"), {"scheduled_for": "2031-01-07T08:00"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    assert meeting.agenda_items.count() == 1
    assert not meeting.attendances.exists()


# --- meeting list and scheduling ------------------------------------------------------------------


def test_meeting_list_splits_upcoming_and_past(
    client, viewer, hospital, django_assert_max_num_queries
):
    for day in range(1, 8):
        MeetingFactory(
            hospital=hospital,
            title=f"Upcoming {day}",
            scheduled_for=datetime.datetime(2030, 2, day, 8, tzinfo=datetime.UTC),
        )
    MeetingFactory(hospital=hospital, title="Done one", status="closed")
    MeetingFactory(title="Elsewhere")  # another hospital's
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("meetings:meeting-list")).content.decode()
    assert "Upcoming 1" in page and "Upcoming 7" in page
    assert "Done one" not in page and "Elsewhere" not in page
    past = client.get(reverse("meetings:meeting-list"), {"when": "past"}).content.decode()
    assert "Done one" in past and "Upcoming 1" not in past


def test_meeting_list_is_paginated(client, viewer, hospital):
    for index in range(25):
        MeetingFactory(
            hospital=hospital,
            title=f"M{index:02d}",
            scheduled_for=datetime.datetime(2030, 3, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(days=index),
        )
    client.force_login(viewer)
    first = client.get(reverse("meetings:meeting-list")).content.decode()
    second = client.get(reverse("meetings:meeting-list"), {"page": 2}).content.decode()
    assert "M00" in first and "M24" not in first
    assert "M24" in second and "Page 2 of 2" in second


def test_coordinator_schedules_a_meeting(client, coordinator, chair):
    client.force_login(coordinator)
    assert client.get(reverse("meetings:meeting-new")).status_code == 200
    response = client.post(
        reverse("meetings:meeting-new"),
        {
            "scheduled_for": "2031-01-07T08:00",
            "title": "Liver MDT",
            "location": "Room 4",
            "chair": chair.username,
        },
    )
    meeting = Meeting.objects.get(location="Room 4")
    assert response.status_code == 302
    assert response["Location"] == detail_url(meeting)
    assert meeting.chair == chair


def test_meeting_form_errors_sit_beside_their_field(client, coordinator, viewer):
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:meeting-new"),
        {"scheduled_for": "not a date", "title": "Kept title", "chair": viewer.username},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_scheduled_for_error"' in page and 'id="id_chair_error"' in page
    assert 'aria-describedby="id_scheduled_for_error"' in page
    assert 'value="Kept title"' in page


# --- the meeting page ----------------------------------------------------------------------------


def test_meeting_page_query_count_does_not_grow_with_the_agenda(
    client, coordinator, meeting, add_case, django_assert_max_num_queries
):
    for index in range(6):
        item = add_case()
        if index % 2:
            agree(item, meeting.chair)
    client.force_login(coordinator)
    with django_assert_max_num_queries(19):
        response = client.get(detail_url(meeting))
    assert response.content.decode().count('id="agenda-item-') == 6


def test_coordinator_adds_a_case_from_the_awaiting_list(client, coordinator, meeting, hospital):
    waiting = CaseFactory(patient__hospital=hospital, question="Liver first?")
    client.force_login(coordinator)
    page = client.get(detail_url(meeting)).content.decode()
    assert waiting.patient.mrn in page  # offered in the select
    response = client.post(
        reverse("meetings:agenda-add", args=[meeting.pk]), {"case": waiting.pk}, **HTMX
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="agenda"')
    assert "Liver first?" in fragment
    assert meeting.agenda_items.get().case == waiting


def test_add_case_without_javascript_redirects_back(client, coordinator, meeting, hospital):
    waiting = CaseFactory(patient__hospital=hospital)
    client.force_login(coordinator)
    response = client.post(reverse("meetings:agenda-add", args=[meeting.pk]), {"case": waiting.pk})
    assert response.status_code == 302
    # The case has no facts: it is not ready, and the page it returns to says so.
    item = meeting.agenda_items.get()
    assert response["Location"] == f"{detail_url(meeting)}?added={item.pk}#agenda"
    page = client.get(response["Location"]).content.decode()
    assert 'id="added-not-ready"' in page


def test_add_case_without_choosing_one_is_400_beside_the_field(
    client, coordinator, meeting, hospital
):
    CaseFactory(patient__hospital=hospital)
    client.force_login(coordinator)
    response = client.post(reverse("meetings:agenda-add", args=[meeting.pk]), {}, **HTMX)
    assert response.status_code == 400
    assert 'id="id_case_error"' in response.content.decode()


def test_agenda_reorder_moves_a_case_down(client, coordinator, meeting, add_case):
    first, second = add_case(), add_case()
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:agenda-reorder", args=[meeting.pk, first.pk]),
        {"direction": "down"},
        **HTMX,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)


def test_agenda_remove_and_refusal_after_a_decision(
    client, coordinator, meeting, add_case, clinician
):
    undecided, decided = add_case(), add_case()
    agree(decided, clinician)
    client.force_login(coordinator)
    ok = client.post(reverse("meetings:agenda-remove", args=[meeting.pk, undecided.pk]), **HTMX)
    assert ok.status_code == 200
    assert not AgendaItem.objects.filter(pk=undecided.pk).exists()
    refused = client.post(reverse("meetings:agenda-remove", args=[meeting.pk, decided.pk]), **HTMX)
    assert refused.status_code == 409
    assert "its record stays on the agenda" in refused.content.decode()


def test_agenda_move_to_a_later_meeting(client, coordinator, meeting, item, hospital):
    later = MeetingFactory(
        hospital=hospital, scheduled_for=meeting.scheduled_for + datetime.timedelta(days=7)
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:agenda-move", args=[meeting.pk, item.pk]), {"meeting": later.pk}, **HTMX
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.moved_to == later
    assert later.agenda_items.filter(case=item.case).exists()
    assert "Moved to" in response.content.decode()


# --- attendance and quorum ------------------------------------------------------------------------


def test_attendance_add_refreshes_the_quorum_badge(client, coordinator, meeting, make_user):
    surgeon = make_user("clinician", specialty="liver_surgeon")
    oncologist = make_user("clinician", specialty="medical_oncologist")
    client.force_login(coordinator)
    url = reverse("meetings:attendance-add", args=[meeting.pk])
    for user in (surgeon, oncologist):
        response = client.post(url, {"user": user.username}, **HTMX)
        assert response.status_code == 200
        assert response["HX-Trigger"] == "quorum-changed"
    badge = client.get(reverse("meetings:meeting-quorum", args=[meeting.pk]), **HTMX)
    assert "QUORUM: no, missing Radiologist" in " ".join(badge.content.decode().split())
    response = client.post(url, {"name": "Dr Guest", "specialty": "radiologist"}, **HTMX)
    assert response.status_code == 200
    assert "Dr Guest" in response.content.decode()
    badge = client.get(reverse("meetings:meeting-quorum", args=[meeting.pk]), **HTMX)
    assert "QUORUM: yes" in badge.content.decode()
    assert 'data-testid="quorum"' in badge.content.decode()


def test_guest_without_specialty_is_400_beside_the_field(client, coordinator, meeting):
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:attendance-add", args=[meeting.pk]), {"name": "Dr Guest"}, **HTMX
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="guest_specialty_error"' in page and "This field is required." in page
    assert 'value="Dr Guest"' in page
    assert "HX-Trigger" not in response


def test_attendance_remove(client, coordinator, meeting, clinician):
    attendance = attendance_add(meeting=meeting, actor=coordinator, user=clinician)
    client.force_login(coordinator)
    url = reverse("meetings:attendance-remove", args=[meeting.pk, attendance.pk])
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "quorum-changed"
    assert not Attendance.objects.filter(pk=attendance.pk).exists()


# --- start and sign-off ---------------------------------------------------------------------------


def test_coordinator_starts_the_meeting(client, coordinator, hospital, chair):
    meeting = MeetingFactory(
        hospital=hospital, chair=chair, scheduled_for=timezone.now() + datetime.timedelta(minutes=5)
    )
    client.force_login(coordinator)
    page = client.get(detail_url(meeting)).content.decode()
    assert 'id="meeting-start"' in page and 'id="start-warning"' not in page
    response = client.post(reverse("meetings:meeting-start", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"
    assert meeting.started_at is not None  # the actual start, for the record


def test_starting_days_early_warns_and_asks_again(client, coordinator, hospital, chair):
    """A meeting could be started days before its date without a word."""
    meeting = MeetingFactory(
        hospital=hospital, chair=chair, scheduled_for=timezone.now() + datetime.timedelta(days=3)
    )
    client.force_login(coordinator)
    page = client.get(detail_url(meeting)).content.decode()
    assert 'id="start-warning"' in page and "3 days from now" in page
    start = reverse("meetings:meeting-start", args=[meeting.pk])
    refused = client.post(start)
    assert refused.status_code == 400
    assert "Tick the box to start the meeting early." in refused.content.decode()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.started_at) == ("scheduled", None)
    assert client.post(start, {"confirm_early": "on"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "in_progress" and meeting.started_at is not None


def test_only_the_chair_signs_off(client, clinician, coordinator, meeting, item):
    agree(item, clinician)
    url = reverse("meetings:meeting-sign-off", args=[meeting.pk])
    for user in (clinician, coordinator):
        client.force_login(user)
        assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(meeting.chair)
    assert client.post(url, {"confirm": "on"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "closed"


def test_viewer_cannot_sign_off(client, viewer, meeting):
    client.force_login(viewer)
    response = client.post(
        reverse("meetings:meeting-sign-off", args=[meeting.pk]), {"confirm": "on"}
    )
    assert response.status_code == 403


def test_sign_off_refused_names_the_undecided_cases_with_actions(
    client, meeting, item, add_case, clinician
):
    agree(item, clinician)
    undecided = add_case()
    DecisionAction.objects.create(
        agenda_item=undecided,
        description="Book a scan",
        owner=clinician,
        due_on=meeting.scheduled_for.date(),
        created_by=clinician,
    )
    client.force_login(meeting.chair)
    page = client.get(detail_url(meeting)).content.decode()
    assert 'id="meeting-sign-off"' in page and ">Sign off</button>" in page
    response = client.post(
        reverse("meetings:meeting-sign-off", args=[meeting.pk]), {"confirm": "on"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "cannot be carried to a later meeting" in page
    assert f"({undecided.case.patient.mrn}): Actions are recorded but no decision" in page
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"


def test_sign_off_needs_the_confirmation(client, meeting, item, clinician):
    agree(item, clinician)
    client.force_login(meeting.chair)
    response = client.post(reverse("meetings:meeting-sign-off", args=[meeting.pk]), {})
    assert response.status_code == 400
    assert 'id="id_confirm_error"' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"
