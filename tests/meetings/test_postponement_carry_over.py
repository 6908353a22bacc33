"""Postponing an undiscussed case with a coded reason, and the chair's sign-off carrying every
undiscussed case to the next meeting (or the one chosen, or none: waiting for a meeting), with
the case's history showing each meeting it waited for and why."""

import datetime

import pytest
from django.urls import reverse

from apps.meetings.models import AgendaItem, DecisionAction, Meeting
from apps.meetings.selectors.carry_over import cases_waiting_for_meeting
from apps.meetings.services import agenda_item_add
from apps.meetings.services.agenda_moves import agenda_item_postpone
from apps.meetings.services.sign_off import meeting_sign_off
from apps.patients.models import MdtCase
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(days=7)
AGREE = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}


@pytest.fixture
def later(hospital, meeting):
    return MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + WEEK)


def _postpone_url(item):
    return reverse("api:agenda-item-postpone", args=[item.meeting_id, item.id])


def _sign_off(client, meeting, body=None):
    return client.post(
        reverse("api:meeting-sign-off", args=[meeting.id]), body or {}, format="json"
    )


def _history(client, case):
    return client.get(reverse("api:case-meetings", args=[case.id])).json()


# --- postponing -------------------------------------------------------------------------------


def test_postpone_records_the_reason_who_and_when(coordinator_client, coordinator, item):
    response = coordinator_client.post(
        _postpone_url(item), {"reason": "imaging_not_ready"}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["postponement_reason"] == "imaging_not_ready"
    assert (body["postponed_by"], body["moved_to"], body["waiting_for_meeting"]) == (
        coordinator.username,
        None,
        False,
    )
    item.refresh_from_db()
    assert (item.postponement_reason, item.postponed_by) == ("imaging_not_ready", coordinator)
    assert item.postponed_at is not None
    latest = item.history.latest()
    assert (latest.history_user, latest.postponement_reason) == (coordinator, "imaging_not_ready")


def test_postpone_other_needs_words_and_the_400_names_the_field(coordinator_client, item):
    response = coordinator_client.post(_postpone_url(item), {"reason": "other"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"reason_detail"}
    unknown = coordinator_client.post(_postpone_url(item), {"reason": "bored"}, format="json")
    assert unknown.status_code == 400
    assert set(unknown.json()["errors"]) == {"reason"}
    missing = coordinator_client.post(_postpone_url(item), {}, format="json")
    assert set(missing.json()["errors"]) == {"reason"}
    item.refresh_from_db()
    assert item.postponement_reason == ""


def test_postpone_to_a_chosen_meeting_moves_the_case_now(coordinator_client, item, later):
    response = coordinator_client.post(
        _postpone_url(item),
        {"reason": "other", "reason_detail": "Awaiting the MRI report", "meeting": str(later.id)},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["moved_to"]["id"] == str(later.id)
    carried = AgendaItem.objects.get(meeting=later, case=item.case)
    assert carried.carried_from_id == item.id
    assert carried.history.count() == 1  # created carried, in one audited write


def test_postpone_to_an_earlier_meeting_is_400_on_meeting(coordinator_client, item, hospital):
    earlier = MeetingFactory(hospital=hospital, scheduled_for=item.meeting.scheduled_for - WEEK)

    response = coordinator_client.post(
        _postpone_url(item),
        {"reason": "out_of_time", "meeting": str(earlier.id)},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"meeting"}
    assert AgendaItem.objects.get(pk=item.pk).postponement_reason == ""


def test_a_postponed_case_is_not_decided_until_the_postponement_is_withdrawn(
    client_for, clinician, item
):
    client = client_for(clinician)
    client.post(_postpone_url(item), {"reason": "patient_not_fit"}, format="json")
    decision_url = reverse("api:agenda-item-decision", args=[item.meeting_id, item.id])

    refused = client.put(decision_url, AGREE, format="json")

    assert refused.status_code == 409
    assert "postponement" in refused.json()["errors"]
    withdrawn = client.delete(_postpone_url(item))
    assert withdrawn.status_code == 200
    assert withdrawn.json()["postponement_reason"] == ""
    assert client.put(decision_url, AGREE, format="json").status_code == 201
    # Once decided, the case can no longer be postponed.
    again = client.post(_postpone_url(item), {"reason": "out_of_time"}, format="json")
    assert again.status_code == 409


def test_postpone_of_another_hospitals_item_is_404(coordinator_client, other_hospital):
    theirs = MeetingFactory(hospital=other_hospital, status="in_progress")
    their_item = AgendaItem.objects.create(
        meeting=theirs, case=CaseFactory(patient__hospital=other_hospital), position=1
    )

    response = coordinator_client.post(
        _postpone_url(their_item), {"reason": "out_of_time"}, format="json"
    )

    assert response.status_code == 404
    assert AgendaItem.objects.get(pk=their_item.pk).postponement_reason == ""


def test_a_viewer_may_not_postpone(client_for, viewer, item):
    response = client_for(viewer).post(
        _postpone_url(item), {"reason": "out_of_time"}, format="json"
    )
    assert response.status_code == 403
    assert AgendaItem.objects.get(pk=item.pk).postponement_reason == ""


# --- carry-over at sign-off ---------------------------------------------------------------------


def test_sign_off_carries_undiscussed_cases_to_the_next_meeting(
    client_for, chair, clinician, meeting, add_case, hospital
):
    decided, postponed, unreached = add_case(), add_case(), add_case()
    client_for(clinician).put(
        reverse("api:agenda-item-decision", args=[meeting.id, decided.id]), AGREE, format="json"
    )
    agenda_item_postpone(item=postponed, reason="pathology_not_ready", actor=chair)
    after_next = MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + 2 * WEEK)
    next_one = MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + WEEK)
    MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + 3 * WEEK)
    # A signed-off meeting in between and another hospital's meeting are not candidates.
    MeetingFactory(
        hospital=hospital, status="closed", scheduled_for=meeting.scheduled_for + WEEK / 2
    )

    response = _sign_off(client_for(chair), meeting)

    assert response.status_code == 200, response.json()
    carried = {entry["agenda_item"]: entry for entry in response.json()["carry_over"]}
    assert set(carried) == {str(postponed.id), str(unreached.id)}
    assert carried[str(postponed.id)]["postponement_reason"] == "pathology_not_ready"
    assert carried[str(unreached.id)]["postponement_reason"] == "out_of_time"
    assert carried[str(unreached.id)]["postponed_by"] == chair.username
    assert {entry["moved_to"]["id"] for entry in carried.values()} == {str(next_one.id)}
    assert not any(entry["waiting_for_meeting"] for entry in carried.values())
    for origin in (postponed, unreached):
        new = AgendaItem.objects.get(meeting=next_one, case=origin.case)
        assert new.carried_from_id == origin.id
        assert new.history.latest().history_user == chair
        assert AgendaItem.objects.get(pk=origin.pk).moved_to == next_one
    assert not after_next.agenda_items.exists()
    statuses = dict(MdtCase.objects.values_list("agenda_items", "status"))
    assert statuses[decided.pk] == "discussed"
    assert statuses[unreached.pk] == "scheduled"


def test_sign_off_carries_to_the_meeting_the_chair_chooses(
    client_for, chair, meeting, item, hospital, later
):
    chosen = MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + 3 * WEEK)

    response = _sign_off(client_for(chair), meeting, {"carry_to": str(chosen.id)})

    assert response.status_code == 200, response.json()
    assert chosen.agenda_items.get().carried_from_id == item.id
    assert not later.agenda_items.exists()


@pytest.mark.parametrize("when", ["earlier", "closed", "other_hospital", "malformed"])
def test_sign_off_with_a_bad_carry_to_is_400_naming_it(
    client_for, chair, meeting, item, hospital, other_hospital, when
):
    target = {
        "earlier": lambda: str(
            MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for - WEEK).id
        ),
        "closed": lambda: str(
            MeetingFactory(
                hospital=hospital, status="closed", scheduled_for=meeting.scheduled_for + WEEK
            ).id
        ),
        "other_hospital": lambda: str(
            MeetingFactory(hospital=other_hospital, scheduled_for=meeting.scheduled_for + WEEK).id
        ),
        "malformed": lambda: "next-tuesday",
    }[when]()

    response = _sign_off(client_for(chair), meeting, {"carry_to": target})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"carry_to"}
    assert Meeting.objects.get(pk=meeting.pk).status == "in_progress"


def test_sign_off_without_a_later_meeting_leaves_the_case_waiting(
    client_for, chair, coordinator, meeting, item, hospital
):
    response = _sign_off(client_for(chair), meeting)

    assert response.status_code == 200, response.json()
    (entry,) = response.json()["carry_over"]
    assert (entry["moved_to"], entry["waiting_for_meeting"]) == (None, True)
    assert entry["postponement_reason"] == "out_of_time"
    assert MdtCase.objects.get(pk=item.case_id).status == "awaiting_discussion"
    assert list(cases_waiting_for_meeting(hospital=hospital)) == [item]

    # The next agenda the case is put on links back to the wait.
    scheduled = MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + WEEK)
    new = agenda_item_add(meeting=scheduled, case=item.case, actor=coordinator)
    assert new.carried_from_id == item.id
    assert AgendaItem.objects.get(pk=item.pk).moved_to == scheduled
    assert not cases_waiting_for_meeting(hospital=hospital).exists()


def test_sign_off_refuses_an_undecided_case_with_actions(
    client_for, chair, coordinator, meeting, item, later
):
    DecisionAction.objects.create(
        agenda_item=item,
        description="Book a liver MRI",
        owner=coordinator,
        due_on=datetime.date(2030, 1, 15),
        created_by=coordinator,
    )

    response = _sign_off(client_for(chair), meeting)

    assert response.status_code == 409
    assert set(response.json()["errors"]) == {"agenda[0]"}
    assert Meeting.objects.get(pk=meeting.pk).status == "in_progress"
    assert not later.agenda_items.exists()


def test_the_case_history_shows_every_meeting_it_waited_for(
    client_for, chair, coordinator, viewer, meeting, item, hospital
):
    second = MeetingFactory(
        hospital=hospital,
        status="in_progress",
        chair=chair,
        scheduled_for=meeting.scheduled_for + WEEK,
    )
    third = MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + 2 * WEEK)
    agenda_item_postpone(item=item, reason="imaging_not_ready", actor=coordinator)
    meeting_sign_off(meeting=meeting, actor=chair)
    meeting_sign_off(meeting=second, actor=chair)  # not reached: out of time

    first, middle, last = _history(client_for(viewer), item.case)

    assert [entry["meeting"]["id"] for entry in (first, middle, last)] == [
        str(meeting.id),
        str(second.id),
        str(third.id),
    ]
    assert (first["postponement_reason"], first["moved_to"]) == (
        "imaging_not_ready",
        str(second.id),
    )
    assert middle["carried_from"]["id"] == str(meeting.id)
    assert (middle["postponement_reason"], middle["moved_to"]) == ("out_of_time", str(third.id))
    assert last["carried_from"]["id"] == str(second.id)
    assert (last["postponement_reason"], last["waiting_for_meeting"]) == ("", False)


# --- pages --------------------------------------------------------------------------------------


def test_postpone_page_form_and_sign_off_page_show_the_carry(
    client, chair, coordinator, meeting, item, later
):
    client.force_login(coordinator)
    url = reverse("meetings:agenda-postpone", args=[meeting.pk, item.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert client.post(url, {"reason": "key_clinician_absent"}).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).postponement_reason == "key_clinician_absent"

    client.force_login(chair)
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert 'id="sign-off-carry"' in page
    assert "Key clinician absent" in page and later.title in page
    response = client.post(
        reverse("meetings:meeting-sign-off", args=[meeting.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert 'id="carry-over"' in page and "carried to" in page
    history = client.get(reverse("meetings:case-history", args=[item.case_id])).content.decode()
    assert "Waited: Key clinician absent" in history


def test_sign_off_page_says_when_no_meeting_is_scheduled(client, chair, meeting, item):
    client.force_login(chair)
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert "none is scheduled after this one" in page
    assert (
        client.post(
            reverse("meetings:meeting-sign-off", args=[meeting.pk]), {"confirm": "on"}
        ).status_code
        == 302
    )
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert "waiting for a meeting" in page


def test_a_viewer_may_not_postpone_on_the_page(client, viewer, meeting, item):
    client.force_login(viewer)
    url = reverse("meetings:agenda-postpone", args=[meeting.pk, item.pk])
    assert client.post(url, {"reason": "out_of_time"}).status_code == 403


def test_the_review_page_of_a_postponed_case_offers_no_decision(
    client, clinician, coordinator, item
):
    client.force_login(clinician)
    review = reverse("meetings:item-review", args=[item.meeting_id, item.pk])
    assert 'id="decision-form"' in client.get(review).content.decode()

    agenda_item_postpone(item=item, reason="patient_not_fit", actor=coordinator)

    page = client.get(review).content.decode()
    assert 'id="decision-form"' not in page
    assert 'id="item-postponed"' in page and "Patient not fit" in page
