"""A case across meetings, adding a case to a meeting from its page, and the printable summary
button with its status panel (browser pages)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import AgendaItem
from apps.meetings.services.agenda_moves import agenda_item_move
from apps.meetings.services.decisions import decision_record
from apps.summaries.models import MeetingSummary
from apps.summaries.selectors import RUNNING_SLACK
from apps.summaries.services import summary_request
from tests.factories import CaseFactory, MeetingFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
AGREE = {"agreement": "agree", "plan_codes": ["HEPATECTOMY"], "intent": "curative"}


# --- case history ---------------------------------------------------------------------------------


def test_case_history_shows_each_meeting_and_what_became_of_the_case(
    client, viewer, item, meeting, hospital, coordinator, clinician, django_assert_max_num_queries
):
    later = MeetingFactory(
        hospital=hospital,
        title="Later MDT",
        scheduled_for=meeting.scheduled_for + datetime.timedelta(days=7),
        status="in_progress",
        chair=meeting.chair,
    )
    moved = agenda_item_move(item=item, to_meeting=later, actor=coordinator)
    decision_record(item=moved, actor=clinician, data={**AGREE, "plan_text": "Go ahead"})
    client.force_login(viewer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("meetings:case-history", args=[item.case_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Moved, undiscussed, to <a" in page
    assert "Later MDT" in page and "Go ahead" in page
    assert reverse("meetings:item-review", args=[later.pk, moved.pk]) in page
    assert reverse("meetings:item-review", args=[meeting.pk, item.pk]) in page
    assert "Add to meeting" not in page  # viewers do not add


def test_case_history_of_another_hospital_is_404(client, make_user, other_hospital, case):
    client.force_login(make_user("viewer", hospital=other_hospital))
    assert client.get(reverse("meetings:case-history", args=[case.pk])).status_code == 404


def test_case_history_empty_state(client, coordinator, hospital):
    case = CaseFactory(patient__hospital=hospital)
    client.force_login(coordinator)
    page = client.get(reverse("meetings:case-history", args=[case.pk])).content.decode()
    assert "has not been on any meeting" in page


# --- add to meeting -------------------------------------------------------------------------------


def test_coordinator_adds_the_case_to_a_meeting(client, coordinator, meeting, hospital, clinician):
    case = CaseFactory(patient__hospital=hospital)
    address = reverse("meetings:case-add-to-meeting", args=[case.pk])
    client.force_login(coordinator)
    form = client.get(address).content.decode()
    assert ">Add to meeting</button>" in form and str(meeting.pk) in form
    response = client.post(
        address,
        {"meeting": meeting.pk, "question": "Hepatectomy now?", "presenter": clinician.username},
    )
    assert response.status_code == 302
    item = meeting.agenda_items.get()
    assert item.added_not_ready  # the case's checklist is not complete
    assert response["Location"] == (
        f"{reverse('meetings:meeting-detail', args=[meeting.pk])}?added={item.pk}#agenda"
    )
    item = AgendaItem.objects.get(case=case)
    assert item.meeting == meeting and item.presenter == clinician
    assert item.question == "Hepatectomy now?"


def test_add_to_meeting_twice_is_400_with_the_reason(client, coordinator, item):
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:case-add-to-meeting", args=[item.case_id]), {"meeting": item.meeting_id}
    )
    assert response.status_code == 400
    assert "already on this agenda" in response.content.decode()


def test_signed_off_meetings_are_not_offered(client, coordinator, hospital):
    closed = MeetingFactory(hospital=hospital, status="closed")
    case = CaseFactory(patient__hospital=hospital)
    client.force_login(coordinator)
    address = reverse("meetings:case-add-to-meeting", args=[case.pk])
    assert str(closed.pk) not in client.get(address).content.decode()
    assert client.post(address, {"meeting": closed.pk}).status_code == 400


@pytest.mark.parametrize("role", ["clinician", "viewer"])
def test_only_coordinators_add_cases_to_meetings(client, request, meeting, hospital, role):
    case = CaseFactory(patient__hospital=hospital)
    client.force_login(request.getfixturevalue(role))
    address = reverse("meetings:case-add-to-meeting", args=[case.pk])
    assert client.get(address).status_code == 403
    assert client.post(address, {"meeting": meeting.pk}).status_code == 403
    assert not AgendaItem.objects.filter(case=case).exists()


def test_add_to_meeting_of_another_hospitals_case_is_404(client, coordinator, meeting):
    foreign = CaseFactory()
    client.force_login(coordinator)
    address = reverse("meetings:case-add-to-meeting", args=[foreign.pk])
    assert client.post(address, {"meeting": meeting.pk}).status_code == 404


# --- printable summary ----------------------------------------------------------------------------


def test_summary_button_then_the_pdf_link(
    client, coordinator, clinician, item, meeting, django_capture_on_commit_callbacks
):
    decision_record(item=item, actor=clinician, data=AGREE)
    client.force_login(coordinator)
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert ">Printable summary</button>" in page
    address = reverse("summaries:summary", args=[meeting.pk])
    # The task is queued on commit: the answer shows the request pending, polling itself.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pending = client.post(address, **HTMX)
    assert len(callbacks) == 1
    fragment = pending.content.decode()
    assert pending.status_code == 200
    assert '<section id="summary"' in fragment
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    # Screen readers hear the change of status in a stable line outside the polled panel.
    assert 'id="summary-announce"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "Summary requested" in fragment

    # Celery runs eagerly in the tests: the task ran at the commit.
    ready = client.get(address, {"seen": "pending"}, **HTMX).content.decode()
    assert 'data-status="ready"' in ready
    assert "The summary is ready to download." in ready
    unchanged = client.get(address, {"seen": "ready"}, **HTMX).content.decode()
    assert 'id="summary-announce"' not in unchanged  # said once, not on every poll
    assert "every 1s" not in ready  # polling stops
    assert reverse("api:meeting-summary-pdf", args=[meeting.pk, 1]) in ready
    assert reverse("api:meeting-summary-letter-pdf", args=[meeting.pk, 1, item.pk]) in ready


def test_summary_status_page_without_javascript(client, viewer, meeting):
    client.force_login(viewer)
    response = client.get(reverse("summaries:summary", args=[meeting.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "No summary has been made" in page
    assert ">Printable summary</button>" not in page  # viewers read, never request


def test_summary_of_another_hospital_is_404(client, make_user, other_hospital, meeting):
    client.force_login(make_user("coordinator", hospital=other_hospital))
    assert client.post(reverse("summaries:summary", args=[meeting.pk])).status_code == 404


def test_summary_panel_shows_a_stuck_summary_with_try_again_and_stops_polling(
    client, coordinator, item, meeting, django_capture_on_commit_callbacks
):
    summary = summary_request(meeting=meeting, actor=coordinator)  # its task never runs
    long_ago = (
        timezone.now()
        - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        - RUNNING_SLACK
        - datetime.timedelta(minutes=1)
    )
    MeetingSummary.objects.filter(pk=summary.pk).update(status="running", started_at=long_ago)
    client.force_login(coordinator)
    address = reverse("summaries:summary", args=[meeting.pk])

    stuck = client.get(address, {"seen": "running"}, **HTMX).content.decode()

    assert 'data-status="stuck"' in stuck
    assert "every 1s" not in stuck  # nothing will move it: no polling
    assert ">Try again</button>" in stuck
    assert "The summary has stopped: try again." in stuck  # announced once
    with django_capture_on_commit_callbacks(execute=True):
        client.post(address, **HTMX)
    ready = client.get(address, {"seen": "pending"}, **HTMX).content.decode()
    assert 'data-status="ready"' in ready
    assert reverse("api:meeting-summary-pdf", args=[meeting.pk, 1]) in ready
