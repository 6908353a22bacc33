"""The chair's sign-off: only of a meeting in progress; it closes the meeting, signs the draft
decisions and marks the decided cases discussed, audited with the chair as author (the carrying
of undiscussed cases is test_postponement_carry_over.py). Afterwards the decisions change only
by amendment."""

import pytest
from django.urls import reverse

from apps.meetings.models import AgendaItem, Decision, DecisionAction, Meeting
from apps.patients.models import MdtCase
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

AGREE = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}


def _decide(client, item):
    response = client.put(
        reverse("api:agenda-item-decision", args=[item.meeting_id, item.id]), AGREE, format="json"
    )
    assert response.status_code == 201, response.json()
    return response


def _sign_off(client, meeting):
    return client.post(reverse("api:meeting-sign-off", args=[meeting.id]))


def test_sign_off_closes_the_meeting_signs_decisions_and_marks_cases_discussed(
    client_for, chair, clinician, meeting, add_case, hospital
):
    decided, listed, moved = add_case(), add_case(), add_case()
    _decide(client_for(clinician), decided)
    listed_response = client_for(chair).post(
        reverse("api:agenda-item-standard-of-care", args=[meeting.id, listed.id]),
        {"intent": "curative"},
        format="json",
    )
    assert listed_response.status_code == 201
    AgendaItem.objects.filter(pk=moved.pk).update(moved_to=MeetingFactory(hospital=hospital))

    response = _sign_off(client_for(chair), meeting)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["signed_off_by"]) == ("closed", chair.username)
    meeting.refresh_from_db()
    assert meeting.status == "closed"
    assert (meeting.signed_off_by, meeting.signed_off_at is not None) == (chair, True)
    assert body["signed_off_at"] is not None
    decisions = Decision.objects.filter(agenda_item__meeting=meeting)
    assert {decision.signed_off_at for decision in decisions} == {meeting.signed_off_at}
    statuses = dict(MdtCase.objects.values_list("agenda_items", "status"))
    assert statuses[decided.pk] == statuses[listed.pk] == "discussed"
    assert statuses[moved.pk] == "scheduled"  # discussed at the later meeting
    # Every change is the chair's in the audit trail.
    assert meeting.history.latest().history_user == chair
    for decision in decisions:
        assert decision.history.latest().history_user == chair
        assert decision.history.latest().signed_off_at == meeting.signed_off_at
    for case in MdtCase.objects.filter(status="discussed"):
        assert case.history.latest().history_user == chair


def test_sign_off_of_a_meeting_without_cases(client_for, chair, meeting):
    assert _sign_off(client_for(chair), meeting).status_code == 200


def test_sign_off_names_each_undecided_case_with_actions_by_position(
    client_for, chair, clinician, meeting, add_case
):
    first = add_case()
    _, second, third = add_case(), add_case(), add_case()
    _decide(client_for(clinician), first)
    for stranded in (second, third):
        DecisionAction.objects.create(
            agenda_item=stranded,
            description="Book a scan",
            owner=clinician,
            due_on=meeting.scheduled_for.date(),
            created_by=clinician,
        )

    response = _sign_off(client_for(chair), meeting)

    assert response.status_code == 409
    assert response.json()["errors"] == {
        "agenda[2]": ["Actions are recorded but no decision: decide it or remove them."],
        "agenda[3]": ["Actions are recorded but no decision: decide it or remove them."],
    }
    meeting.refresh_from_db()
    assert (meeting.status, meeting.signed_off_at) == ("in_progress", None)
    assert Decision.objects.get(agenda_item=first).signed_off_at is None
    assert MdtCase.objects.get(agenda_items=first).status == "scheduled"


def test_sign_off_of_a_meeting_not_started_is_409(client_for, chair, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status="scheduled")

    response = _sign_off(client_for(chair), meeting)

    assert response.status_code == 409
    assert "not started" in response.json()["message"]
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"


def test_sign_off_twice_is_409(client_for, chair, meeting):
    assert _sign_off(client_for(chair), meeting).status_code == 200
    signed_at = Meeting.objects.get(pk=meeting.pk).signed_off_at

    response = _sign_off(client_for(chair), meeting)

    assert response.status_code == 409
    assert "already signed off" in response.json()["message"]
    assert Meeting.objects.get(pk=meeting.pk).signed_off_at == signed_at


@pytest.mark.parametrize("role", ["clinician", "coordinator"])
def test_sign_off_by_anyone_but_the_chair_is_403(client_for, make_user, meeting, chair, role):
    response = _sign_off(client_for(make_user(role)), meeting)

    assert response.status_code == 403
    assert chair.get_full_name() in response.json()["errors"][""][0]  # by name
    assert Meeting.objects.get(pk=meeting.pk).status == "in_progress"


def test_sign_off_by_a_viewer_is_403(client_for, viewer, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(chair=viewer)

    assert _sign_off(client_for(viewer), meeting).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).status == "in_progress"


def test_sign_off_without_a_chair_is_409(client_for, clinician, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(chair=None)

    response = _sign_off(client_for(clinician), meeting)

    assert response.status_code == 409
    assert "chair" in response.json()["errors"]


def test_sign_off_of_another_hospitals_meeting_is_404(
    client_for, make_user, other_hospital, meeting
):
    outsider = make_user("clinician", hospital=other_hospital)
    Meeting.objects.filter(pk=meeting.pk).update(chair=outsider)

    assert _sign_off(client_for(outsider), meeting).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).status == "in_progress"


@pytest.mark.parametrize("meeting_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_sign_off_of_an_unknown_meeting_is_404(client_for, chair, meeting_id):
    response = client_for(chair).post(reverse("api:meeting-sign-off", args=[meeting_id]))

    assert response.status_code == 404


def test_signed_off_record_is_immutable_but_amendable(
    client_for, chair, clinician, meeting, add_case
):
    item = add_case()
    decided = _decide(client_for(clinician), item)
    assert _sign_off(client_for(chair), meeting).status_code == 200
    decision_url = reverse("api:agenda-item-decision", args=[meeting.id, item.id])

    put = client_for(clinician).put(
        decision_url,
        {**AGREE, "plan_text": "Later."},
        format="json",
        headers={"If-Match": decided["ETag"]},
    )
    listed = client_for(chair).post(
        reverse("api:agenda-item-standard-of-care", args=[meeting.id, item.id]),
        {"intent": "curative"},
        format="json",
    )

    assert put.status_code == 409
    assert "signed off" in put.json()["message"]
    assert "amend" in put.json()["errors"][""][0]
    assert listed.status_code == 409
    stored = Decision.objects.get(agenda_item=item)
    assert (stored.plan_text, stored.revision) == ("", 1)

    amended = client_for(clinician).post(
        reverse("api:agenda-item-decision-amend", args=[meeting.id, item.id]),
        {**AGREE, "plan_text": "Later.", "amendment_reason": "Corrected after the meeting."},
        format="json",
    )
    assert amended.status_code == 201
    assert Decision.objects.get(agenda_item=item, version=1).plan_text == ""


def test_sign_off_waits_for_nothing_it_does_not_need(client_for, chair, clinician, add_case):
    """Actions and follow-up are not needed to sign off: they are tracked afterwards."""
    item = add_case()
    _decide(client_for(clinician), item)
    DecisionAction.objects.create(
        agenda_item=item,
        description="Book MRI",
        owner=clinician,
        due_on="2030-01-20",
        created_by=clinician,
    )

    assert _sign_off(client_for(chair), item.meeting).status_code == 200
