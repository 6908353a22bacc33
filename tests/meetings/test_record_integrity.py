"""The meeting's record holds together: what was decided keeps the recommendation and the
attendance it was decided with, an amendment restarts the telling of the patient, a moved case
never falls off every agenda, and the chair is a clinician in the room."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import AgendaItem, Attendance, Decision, DecisionAction
from apps.meetings.services.checks import working_days_after
from apps.meetings.services.sign_off import meeting_sign_off
from apps.patients.models import MdtCase
from apps.recommendations.services import recommendation_create
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

AGREE = {"plan_codes": ["HEPATECTOMY"], "intent": "curative", "agreement": "agree"}


def _url(name, item, *extra):
    return reverse(f"api:agenda-item-{name}", args=[item.meeting_id, item.id, *extra])


def _attend(meeting, make_user, *specialties):
    return [
        Attendance.objects.create(
            meeting=meeting, user=make_user("clinician", specialty=specialty), specialty=specialty
        )
        for specialty in specialties
    ]


def test_draft_edit_stays_on_the_recommendation_it_was_made_against(
    clinician_client, item, case, coordinator
):
    first = clinician_client.put(_url("decision", item), AGREE, format="json").json()
    newer = recommendation_create(case=case, actor=coordinator)

    edited = clinician_client.put(
        _url("decision", item), {**AGREE, "plan_text": "Typo fixed.", "revision": 1}, format="json"
    )
    moved = clinician_client.put(
        _url("decision", item),
        {**AGREE, "recommendation": str(newer.id), "revision": 2},
        format="json",
    )

    assert edited.status_code == 200
    assert edited.json()["recommendation"]["id"] == first["recommendation"]["id"]
    assert moved.status_code == 200
    assert moved.json()["recommendation"]["id"] == str(newer.id)


def test_amendment_restarts_telling_the_patient_and_the_referrer(
    client_for, clinician, chair, item, coordinator
):
    client_for(clinician).put(_url("decision", item), AGREE, format="json")
    meeting_sign_off(meeting=item.meeting, actor=chair)
    told = timezone.now().replace(microsecond=0)  # after the decision it tells
    first_told = client_for(coordinator).patch(
        _url("follow-up", item),
        {"patient_informed_at": told.isoformat(), "referrer_informed_at": told.isoformat()},
        format="json",
    )
    assert first_told.status_code == 200, first_told.json()

    amended = client_for(clinician).post(
        _url("decision-amend", item),
        {**AGREE, "plan_text": "Laparoscopic.", "amendment_reason": "Approach agreed later."},
        format="json",
    )

    assert amended.status_code == 201
    follow_up = client_for(coordinator).get(_url("follow-up", item)).json()
    assert follow_up["patient_informed_at"] is None
    assert follow_up["referrer_informed_at"] is None
    assert follow_up["inform_patient_by"] == str(working_days_after(timezone.localdate(), 2))
    # When they were told the earlier version stays in the history.
    assert AgendaItem.history.filter(id=item.id, patient_informed_at=told).exists()


def test_standard_of_care_listed_before_anyone_is_present_takes_the_quorum_of_sign_off(
    client_for, chair, item, make_user
):
    item.meeting.status = "scheduled"
    item.meeting.save()
    Attendance.objects.create(meeting=item.meeting, user=chair, specialty="medical_oncologist")
    listed = client_for(chair).post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )
    assert listed.json()["quorate"] is False
    _attend(item.meeting, make_user, "liver_surgeon", "radiologist")
    item.meeting.status = "in_progress"
    item.meeting.save()

    meeting_sign_off(meeting=item.meeting, actor=chair)

    decision = Decision.objects.get(agenda_item=item)
    assert decision.quorate is True
    assert decision.history.latest().history_user == chair


def test_attendance_stays_once_a_decision_is_recorded(
    client_for, clinician, coordinator, item, make_user
):
    (radiologist,) = _attend(item.meeting, make_user, "radiologist")
    url = reverse("api:meeting-attendance-detail", args=[item.meeting_id, radiologist.id])
    client_for(clinician).put(_url("decision", item), AGREE, format="json")

    response = client_for(coordinator).delete(url)

    assert response.status_code == 409
    assert Attendance.objects.filter(pk=radiologist.pk).exists()


def test_a_case_with_actions_does_not_move(client_for, coordinator, clinician, item, hospital):
    DecisionAction.objects.create(
        agenda_item=item,
        description="Book MRI",
        owner=clinician,
        due_on=datetime.date(2030, 2, 1),
        created_by=coordinator,
    )
    later = MeetingFactory(
        hospital=hospital, scheduled_for=item.meeting.scheduled_for + datetime.timedelta(days=7)
    )

    response = client_for(coordinator).post(
        _url("move", item), {"meeting": str(later.id)}, format="json"
    )

    assert response.status_code == 409
    assert not later.agenda_items.exists()


def test_a_moved_case_cannot_be_taken_off_the_later_agenda(client_for, coordinator, item, hospital):
    later = MeetingFactory(
        hospital=hospital, scheduled_for=item.meeting.scheduled_for + datetime.timedelta(days=7)
    )
    client = client_for(coordinator)
    moved = client.post(_url("move", item), {"meeting": str(later.id)}, format="json").json()

    response = client.delete(reverse("api:meeting-agenda-item", args=[later.id, moved["id"]]))

    assert response.status_code == 409
    assert AgendaItem.objects.filter(pk=moved["id"]).exists()
    assert MdtCase.objects.get(pk=item.case_id).status == "scheduled"


def test_the_chair_is_a_clinician(coordinator_client, coordinator, meeting):
    response = coordinator_client.patch(
        reverse("api:meeting-detail", args=[meeting.id]),
        {"chair": coordinator.username},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["chair"]


def test_once_started_the_chair_is_one_of_those_present(coordinator_client, meeting, make_user):
    absent, present = (make_user("clinician", specialty="liver_surgeon") for _ in range(2))
    Attendance.objects.create(meeting=meeting, user=present, specialty="liver_surgeon")
    url = reverse("api:meeting-detail", args=[meeting.id])

    refused = coordinator_client.patch(url, {"chair": absent.username}, format="json")
    handed_over = coordinator_client.patch(url, {"chair": present.username}, format="json")

    assert refused.status_code == 400
    assert handed_over.status_code == 200
    assert handed_over.json()["chair"] == present.username


def test_a_malformed_agenda_item_id_is_the_apis_404(coordinator_client, meeting):
    response = coordinator_client.patch(
        reverse("api:meeting-agenda-item", args=[meeting.id, "not-a-uuid"]),
        {"question": "?"},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["message"]


def test_the_case_audit_trail_shows_decisions_and_actions_but_no_hidden_vote(
    client_for, clinician, coordinator, item, make_user
):
    surgeon = make_user("clinician", specialty="liver_surgeon")
    Attendance.objects.create(meeting=item.meeting, user=surgeon, specialty="liver_surgeon")
    client_for(surgeon).post(_url("votes", item), {"call": "unresectable"}, format="json")
    client_for(clinician).put(_url("decision", item), AGREE, format="json")
    client_for(coordinator).post(
        _url("actions", item),
        {"description": "Book theatre", "owner": clinician.username, "due_on": "2030-02-01"},
        format="json",
    )

    response = client_for(coordinator).get(
        reverse("api:case-history", args=[item.case_id]), {"page_size": 100}
    )

    entries = response.json()["results"]
    by_record = {(entry["record"], entry["user"]) for entry in entries}
    assert ("decision", clinician.username) in by_record
    assert ("decision_action", coordinator.username) in by_record
    assert "unresectable" not in response.content.decode()
