"""The meeting's live state (what open pages poll) and presentation mode: who drives the screen,
the time recorded per case, and the API that exposes it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import AgendaItem, Meeting
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import decision_record
from apps.meetings.services.presenting import meeting_present
from apps.meetings.services.sign_off import meeting_sign_off
from apps.meetings.services.typing import decision_typing_put
from apps.meetings.services.votes import vote_record, votes_reveal
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

AGREE = {"plan_codes": ["HEPATECTOMY"], "plan_text": "", "intent": "curative", "agreement": "agree"}


def _live(client, meeting, etag=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(reverse("meetings:meeting-live", args=[meeting.pk]), **headers)


# --- the live state ---------------------------------------------------------------------------


def test_live_state_answers_304_until_something_changes(client, coordinator, meeting, item, chair):
    client.force_login(coordinator)
    first = _live(client, meeting)
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    state = first.json()
    assert f"votes:{item.pk}" in state["parts"] and state["current"] is None

    unchanged = _live(client, meeting, first["ETag"])
    assert unchanged.status_code == 304 and unchanged.content == b""

    attendance_add(meeting=meeting, actor=coordinator, user=chair)
    moved = _live(client, meeting, first["ETag"])
    assert moved.status_code == 200
    changed = {k for k, v in moved.json()["parts"].items() if state["parts"].get(k) != v}
    assert changed == {"attendance"}


def test_live_state_names_the_part_a_vote_a_reveal_a_decision_or_typing_moves(
    client, coordinator, meeting, item, make_user
):
    surgeon = make_user("clinician", specialty="liver_surgeon")
    attendance_add(meeting=meeting, actor=coordinator, user=surgeon)
    client.force_login(coordinator)

    def parts():
        return _live(client, meeting).json()["parts"]

    before = parts()
    vote_record(item=item, surgeon=surgeon, call="resectable")
    after_vote = parts()
    assert after_vote[f"votes:{item.pk}"] != before[f"votes:{item.pk}"]
    votes_reveal(item=item, actor=meeting.chair)
    after_reveal = parts()
    assert after_reveal[f"item:{item.pk}"] != after_vote[f"item:{item.pk}"]
    decision_typing_put(item=item, actor=surgeon, data={"plan_text": "Resect"})
    after_typing = parts()
    assert after_typing[f"typing:{item.pk}"] != after_reveal[f"typing:{item.pk}"]
    decision_record(item=item, actor=surgeon, data=AGREE)
    after_decision = parts()
    assert after_decision[f"decision:{item.pk}"] != after_typing[f"decision:{item.pk}"]
    assert after_decision["decisions"] != after_typing["decisions"]
    # Saved: the typed draft is gone.
    assert after_decision[f"typing:{item.pk}"] == before[f"typing:{item.pk}"]


def test_live_state_is_two_queries_however_long_the_agenda(
    client, coordinator, meeting, add_case, django_assert_max_num_queries
):
    for _ in range(6):
        add_case()
    client.force_login(coordinator)
    _live(client, meeting)  # the session and the user are read once
    # The session, the user, their profile and groups, the meeting, the state's two, and the
    # typing cache (a table of the database here, as in the embedded default; Redis elsewhere).
    with django_assert_max_num_queries(8):
        assert _live(client, meeting).status_code == 200


def test_live_state_of_another_hospital_is_404_and_needs_a_login(
    client, meeting, make_user, other_hospital
):
    address = reverse("meetings:meeting-live", args=[meeting.pk])
    assert client.get(address).status_code == 302
    client.force_login(make_user("coordinator", hospital=other_hospital))
    assert client.get(address).status_code == 404


# --- presentation mode ------------------------------------------------------------------------


def test_moving_from_case_to_case_records_the_time_spent_on_each(
    coordinator, meeting, item, add_case, monkeypatch
):
    second = add_case()
    start = timezone.now()
    clock = [start]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])

    meeting_present(meeting=meeting, item=item, actor=coordinator)
    clock[0] = start + datetime.timedelta(minutes=4)
    meeting_present(meeting=meeting, item=second, actor=coordinator)
    clock[0] = start + datetime.timedelta(minutes=7)
    meeting_present(meeting=meeting, item=None, actor=coordinator)

    first, other = AgendaItem.objects.get(pk=item.pk), AgendaItem.objects.get(pk=second.pk)
    assert (first.discussion_started_at, first.discussion_ended_at) == (
        start,
        start + datetime.timedelta(minutes=4),
    )
    assert first.discussion_seconds == 240 and other.discussion_seconds == 180
    assert Meeting.objects.get(pk=meeting.pk).current_item is None
    # Audited: each move is in the record's history, with its author.
    assert first.history.filter(history_user=coordinator, history_type="~").count() == 2


def test_only_the_chair_or_a_coordinator_drives_and_only_during_the_meeting(
    clinician, chair, coordinator, hospital, meeting, item
):
    from apps.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        meeting_present(meeting=meeting, item=item, actor=clinician)
    assert refused.value.status == 403
    meeting_present(meeting=meeting, item=item, actor=chair)
    scheduled = MeetingFactory(hospital=hospital, chair=chair)
    with pytest.raises(ApplicationError) as early:
        meeting_present(meeting=scheduled, item=None, actor=chair)
    assert early.value.status == 409


def test_sign_off_ends_the_discussion_on_screen(coordinator, chair, meeting, item, clinician):
    attendance_add(meeting=meeting, actor=coordinator, user=clinician)
    decision_record(item=item, actor=clinician, data=AGREE)
    meeting_present(meeting=meeting, item=item, actor=chair)
    meeting_sign_off(meeting=meeting, actor=chair)
    item.refresh_from_db()
    assert item.discussion_ended_at is not None
    assert Meeting.objects.get(pk=meeting.pk).current_item_id is None


def test_the_api_exposes_the_case_on_screen_and_the_time_per_case(
    client_for, chair, meeting, item, viewer
):
    api = client_for(chair)
    response = api.post(
        reverse("api:meeting-present", args=[meeting.pk]), {"item": str(item.pk)}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["current_item"] == str(item.pk)
    assert response.json()["current_item_since"] is not None
    api.post(reverse("api:meeting-present", args=[meeting.pk]), {"item": None}, format="json")
    agenda = api.get(reverse("api:meeting-agenda", args=[meeting.pk])).json()
    assert agenda[0]["discussion_started_at"] is not None
    assert agenda[0]["discussion_ended_at"] is not None
    assert isinstance(agenda[0]["discussion_seconds"], int)
    refused = client_for(viewer).post(
        reverse("api:meeting-present", args=[meeting.pk]), {"item": None}, format="json"
    )
    assert refused.status_code == 403


def test_presentation_page_shows_the_case_in_words_and_moves_without_javascript(
    client, chair, meeting, item
):
    client.force_login(chair)
    address = reverse("meetings:meeting-present", args=[meeting.pk])
    page = client.get(address).content.decode()
    assert "No case is under discussion." in page and 'id="present-next"' in page
    moved = client.post(address, {"item": str(item.pk)})
    assert moved.status_code == 302 and moved["Location"] == address
    page = client.get(address).content.decode()
    assert "Liver resection" in page and "HEPATECTOMY</" not in page
    assert 'aria-current="step"' in page
    assert "Case 1 of 1" in page


def test_presentation_page_refuses_a_viewer_driving_it(client, viewer, meeting, item):
    client.force_login(viewer)
    address = reverse("meetings:meeting-present", args=[meeting.pk])
    response = client.post(address, {"item": str(item.pk)})
    assert response.status_code == 403
    assert "chair or a coordinator" in response.content.decode()


def test_the_letter_paragraph_is_written_through_the_api_also_after_sign_off(
    client_for, coordinator, chair, clinician, meeting, item
):
    attendance_add(meeting=meeting, actor=coordinator, user=clinician)
    decision_record(item=item, actor=clinician, data=AGREE)
    meeting_sign_off(meeting=meeting, actor=chair)
    api = client_for(coordinator)
    address = reverse("api:meeting-agenda-item", args=[meeting.pk, item.pk])
    written = api.patch(address, {"letter_note": "  We spoke to the family.  "}, format="json")
    assert written.status_code == 200
    assert written.json()["letter_note"] == "We spoke to the family."
    assert item.history.latest().history_user == coordinator  # audited
    refused = api.patch(address, {"question": "Another?"}, format="json")
    assert refused.status_code == 409
