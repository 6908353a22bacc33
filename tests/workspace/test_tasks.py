"""My tasks: the inbox of what waits on a user after the meetings (actions owned, patients to
tell, treatments given to record), overdue first, each done in one click; the dashboard's
panel; GET /api/v1/tasks/; and the nurse specialist working it."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import AgendaItem, DecisionAction, TreatmentGiven
from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import (
    action_add,
    action_update,
    decision_record,
    follow_up_update,
)
from apps.meetings.services.sign_off import meeting_sign_off
from apps.recommendations.services import recommendation_create
from apps.workspace.inbox import my_tasks, task_summary
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PLAN = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}
TODAY = timezone.localdate


@pytest.fixture
def chair(make_user):
    return make_user("clinician", specialty="medical_oncologist")


@pytest.fixture
def nurse(make_user):
    return make_user("nurse_specialist", specialty="nurse_specialist")


@pytest.fixture
def board(hospital, chair, clinician, coordinator):
    """board(cases=1, days_ago=5, sign=True): a meeting held `days_ago` with `cases` decided
    agenda cases, signed off by its chair unless sign=False; returns its agenda items."""

    def make(cases=1, days_ago=5, sign=True):
        held = timezone.now() - datetime.timedelta(days=days_ago)
        meeting = MeetingFactory(
            hospital=hospital, status="in_progress", chair=chair, scheduled_for=held
        )
        items = []
        for _ in range(cases):
            case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
            recommendation_create(case=case, actor=coordinator)
            item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
            decision_record(item=item, actor=clinician, data=PLAN)
            items.append(item)
        if sign:
            meeting_sign_off(meeting=meeting, actor=chair)
        return items

    return make


def _action(item, owner, actor, *, due_in, description="Book a liver MRI"):
    return action_add(
        item=item,
        actor=actor,
        description=description,
        owner=owner,
        due_on=TODAY() + datetime.timedelta(days=due_in),
    )


def test_inbox_lists_each_kind_overdue_first_then_by_due_date(board, clinician, coordinator, chair):
    late_item, soon_item, tell_item = board(cases=3, sign=False)
    _action(soon_item, clinician, coordinator, due_in=6, description="Later")
    _action(late_item, clinician, coordinator, due_in=-2, description="Late")
    done = _action(late_item, clinician, coordinator, due_in=-9, description="Done one")
    action_update(action=done, actor=clinician, data={"done": True})
    _action(late_item, chair, coordinator, due_in=-9, description="Someone else's")
    meeting_sign_off(meeting=late_item.meeting, actor=chair)
    follow_up_update(
        item=tell_item,
        actor=coordinator,
        data={
            "patient_informer": clinician,
            "inform_patient_by": TODAY() - datetime.timedelta(days=1),
        },
    )
    TreatmentGiven.objects.create(
        agenda_item=soon_item,
        decision=soon_item.decisions.get(),
        treatment_code="HEPATECTOMY",
        started_on=TODAY(),
        matches="yes",
        recorded_by=clinician,
    )

    tasks = my_tasks(user=clinician)

    assert [(task.kind, task.overdue) for task in tasks] == [
        ("action", True),  # due two days ago
        ("tell_patient", True),  # due yesterday
        ("action", False),  # due in six days
        ("record_treatment", False),  # due a month after the meeting
        ("record_treatment", False),
    ]
    assert tasks[0].title == "Late"
    assert {task.id for task in tasks if task.kind == "record_treatment"} == {
        str(late_item.pk),
        str(tell_item.pk),
    }
    assert tasks[1].done_url == reverse("workspace:task-patient-told", args=[tell_item.pk])
    assert tasks[3].done_url is None and tasks[3].url.endswith("#treatment")


def test_treatment_tasks_are_for_coordinators_and_clinicians_only(
    board, coordinator, nurse, viewer
):
    board()

    assert [task.kind for task in my_tasks(user=coordinator)] == ["record_treatment"]
    assert my_tasks(user=nurse) == []
    assert my_tasks(user=viewer) == []


def test_treatment_tasks_leave_out_decisions_older_than_a_year(board, coordinator):
    board(days_ago=400)

    assert my_tasks(user=coordinator) == []


def test_another_hospitals_work_is_not_in_the_inbox(
    board, make_user, other_hospital, clinician, coordinator
):
    (item,) = board(sign=False)
    _action(item, clinician, coordinator, due_in=1)
    stranger = make_user("clinician", hospital=other_hospital)

    assert my_tasks(user=stranger) == []


# --- the page, one click, htmx and no JavaScript -------------------------------------------------


def test_tasks_page_shows_the_tasks_with_their_buttons(client, board, clinician, coordinator):
    (item,) = board(sign=False)
    action = _action(item, clinician, coordinator, due_in=-1, description="Phone the GP")
    client.force_login(clinician)

    page = client.get(reverse("workspace:tasks")).content.decode()

    assert "Phone the GP" in page and "Overdue" in page
    assert reverse("workspace:task-action-done", args=[action.pk]) in page
    assert item.case.patient.mrn in page


def test_tasks_page_shows_fifty_tasks_a_page_and_a_done_task_keeps_the_page(
    client, board, clinician, coordinator
):
    (item,) = board(sign=False)
    # 60 actions, due one a day: the first page holds the 50 soonest.
    actions = [
        _action(item, clinician, coordinator, due_in=day + 1, description=f"Task number {day:02d}")
        for day in range(60)
    ]
    client.force_login(clinician)
    url = reverse("workspace:tasks")

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert "Task number 49" in first and "Task number 50" not in first
    assert "Task number 50" in second and "Task number 49" not in second
    assert "Page 1 of 2" in first and 'href="?page=2#my-tasks"' in first
    assert "tasks 51\u201360 of 60" in second and 'href="?page=1#my-tasks"' in second
    # Not a page number, or past the end: the first or the last page, never an error.
    assert "Page 1 of 2" in client.get(url, {"page": "x"}).content.decode()
    assert "Page 2 of 2" in client.get(url, {"page": 99}).content.decode()

    # Done from the second page, without JavaScript: back to the second page.
    done = reverse("workspace:task-action-done", args=[actions[55].pk])
    assert 'name="page" value="2"' in second and done in second
    response = client.post(done, {"view": "tasks", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == url + "?page=2#my-tasks"
    # With htmx: the same page of the list comes back.
    done = reverse("workspace:task-action-done", args=[actions[56].pk])
    html = client.post(done, {"view": "tasks", "page": "2"}, HTTP_HX_REQUEST="true").content
    html = html.decode()
    assert "Task number 57" in html and "Task number 56" not in html
    assert "Task number 10" not in html and "tasks 51\u201358 of 58" in html


def test_tasks_page_empty_state_says_what_will_appear(client, viewer):
    client.force_login(viewer)

    page = client.get(reverse("workspace:tasks")).content.decode()

    assert "Nothing is waiting on you" in page


def test_nurse_marks_a_patient_told_in_one_click_without_javascript(
    client, board, nurse, coordinator
):
    (item,) = board()
    follow_up_update(item=item, actor=coordinator, data={"patient_informer": nurse})
    client.force_login(nurse)

    response = client.post(reverse("workspace:task-patient-told", args=[item.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:tasks") + "#my-tasks"
    item.refresh_from_db()
    assert item.patient_informed_at is not None
    assert item.history.first().history_user == nurse
    assert my_tasks(user=nurse) == []


def test_nurse_marks_an_action_done_with_htmx_from_the_dashboard(client, board, nurse, coordinator):
    (item,) = board(sign=False)
    action = _action(item, nurse, coordinator, due_in=2, description="Leaflet to the patient")
    client.force_login(nurse)
    assert "Leaflet to the patient" in client.get(reverse("home")).content.decode()

    response = client.post(
        reverse("workspace:task-action-done", args=[action.pk]),
        {"view": "home"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="my-tasks"')
    assert "Leaflet to the patient" not in html
    assert "Nothing is waiting on you" in html
    action.refresh_from_db()
    assert action.done_at is not None


def test_one_click_needs_the_csrf_token(board, nurse, coordinator):
    (item,) = board(sign=False)
    action = _action(item, nurse, coordinator, due_in=2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)

    response = client.post(reverse("workspace:task-action-done", args=[action.pk]))

    assert response.status_code == 403
    assert DecisionAction.objects.get(pk=action.pk).done_at is None


def test_viewer_cannot_do_a_task(client, board, viewer, coordinator):
    (item,) = board(sign=False)
    action = _action(item, viewer, coordinator, due_in=2)
    client.force_login(viewer)

    response = client.post(reverse("workspace:task-action-done", args=[action.pk]))

    assert response.status_code == 403
    assert DecisionAction.objects.get(pk=action.pk).done_at is None


def test_another_hospitals_task_is_a_404(client, board, make_user, other_hospital, coordinator):
    (item,) = board(sign=False)
    action = _action(item, coordinator, coordinator, due_in=2)
    stranger = make_user("coordinator", hospital=other_hospital)
    client.force_login(stranger)

    assert client.post(reverse("workspace:task-action-done", args=[action.pk])).status_code == 404
    assert client.post(reverse("workspace:task-patient-told", args=[item.pk])).status_code == 404
    assert DecisionAction.objects.get(pk=action.pk).done_at is None
    assert AgendaItem.objects.get(pk=item.pk).patient_informed_at is None


def test_a_refused_task_says_why_on_the_page(client, board, coordinator, clinician):
    """Telling the patient before any decision exists is refused by the service (409)."""
    held = timezone.now() - datetime.timedelta(days=1)
    meeting = MeetingFactory(hospital=coordinator.staff_profile.hospital, scheduled_for=held)
    case = CaseFactory(patient__hospital=meeting.hospital)
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
    client.force_login(clinician)

    response = client.post(reverse("workspace:task-patient-told", args=[item.pk]))

    assert response.status_code == 409
    assert "nothing to tell" in response.content.decode()


# --- the API ------------------------------------------------------------------------------------


def test_api_lists_the_tasks_paginated(client_for, board, clinician, coordinator):
    (item,) = board(sign=False)
    _action(item, clinician, coordinator, due_in=-1, description="Late")
    _action(item, clinician, coordinator, due_in=3, description="Soon")

    body = client_for(clinician).get(reverse("api:tasks")).json()

    assert body["count"] == 2
    assert [task["title"] for task in body["results"]] == ["Late", "Soon"]
    first = body["results"][0]
    assert first["kind"] == "action" and first["kind_label"] == "Action"
    assert first["overdue"] is True
    assert first["case_id"] == str(item.case_id)


def test_api_tasks_is_in_the_schema(coordinator_client):
    schema = coordinator_client.get(reverse("api-schema"), {"format": "json"}).json()

    assert "get" in schema["paths"]["/api/v1/tasks/"]


def test_query_counts_do_not_grow_with_tasks_or_done_actions(
    client, client_for, board, clinician, coordinator, chair, django_assert_num_queries
):
    (item,) = board(sign=False)
    _action(item, clinician, coordinator, due_in=1)
    client.force_login(clinician)
    api = client_for(clinician)

    def counts():
        with CaptureQueriesContext(connection) as page:
            client.get(reverse("workspace:tasks"))
        with CaptureQueriesContext(connection) as home:
            client.get(reverse("home"))
        with CaptureQueriesContext(connection) as listed:
            api.get(reverse("api:tasks"))
        return len(page), len(home), len(listed)

    counts()  # the first requests fill per-process caches
    few = counts()
    more = board(cases=3, sign=False)
    for index, other in enumerate(more):
        for days in range(4):
            done = _action(other, clinician, coordinator, due_in=days, description=f"D{index}")
            action_update(action=done, actor=clinician, data={"done": True})
        _action(other, clinician, coordinator, due_in=-days)
        follow_up_update(item=other, actor=coordinator, data={"patient_informer": clinician})
    meeting_sign_off(meeting=more[0].meeting, actor=chair)
    assert len(my_tasks(user=clinician)) == 1 + 3 + 3 + 3

    assert counts() == few
    with django_assert_num_queries(few[0]):
        client.get(reverse("workspace:tasks"))


# Cases due for re-discussion.


def _ask_back(item, days):
    from apps.meetings.models import Decision

    Decision.objects.filter(agenda_item=item).update(
        rediscuss_on=TODAY() + datetime.timedelta(days=days),
        rediscuss_reason="Restage after 4 cycles.",
    )


def test_coordinators_see_cases_due_for_rediscussion_within_the_week(board, coordinator, clinician):
    overdue, soon, later = board(cases=3)
    _ask_back(overdue, -2)
    _ask_back(soon, 7)
    _ask_back(later, 8)
    tasks = [task for task in my_tasks(user=coordinator) if task.kind == "rediscuss"]
    assert [task.case_id for task in tasks] == [str(overdue.case_id), str(soon.case_id)]
    assert [task.overdue for task in tasks] == [True, False]
    assert tasks[0].due_on == TODAY() - datetime.timedelta(days=2)
    assert tasks[0].url == reverse("meetings:case-add-to-meeting", args=[overdue.case_id])
    assert tasks[0].title == "Back to the board: Restage after 4 cycles."
    # Clinicians do not put cases on agendas: not their task.
    assert not [task for task in my_tasks(user=clinician) if task.kind == "rediscuss"]


def test_rediscussion_task_shows_on_the_page_and_in_the_api(client, client_for, board, coordinator):
    (item,) = board()
    _ask_back(item, 0)
    client.force_login(coordinator)
    page = client.get(reverse("workspace:tasks")).content.decode()
    assert "Due for re-discussion" in page
    assert reverse("meetings:case-add-to-meeting", args=[item.case_id]) in page
    rows = client_for(coordinator).get(reverse("api:tasks")).json()["results"]
    row = next(row for row in rows if row["kind"] == "rediscuss")
    assert row["case_id"] == str(item.case_id)
    assert row["overdue"] is False


def test_rediscussion_tasks_keep_the_query_count(
    client, board, coordinator, django_assert_num_queries
):
    (first,) = board()
    _ask_back(first, 1)
    client.force_login(coordinator)
    client.get(reverse("workspace:tasks"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workspace:tasks"))
    # Counted now: the next request empties the connection's query log.
    expected = len(few)
    for item in board(cases=3):
        _ask_back(item, -1)
    # The changed cases' worklist stages are computed at the next read (a fixed number of
    # queries, tests/analytics/test_worklist.py); once they are, the count is the same.
    client.get(reverse("workspace:tasks"))
    with django_assert_num_queries(expected):
        client.get(reverse("workspace:tasks"))
    assert len([t for t in my_tasks(user=coordinator) if t.kind == "rediscuss"]) == 4


def test_the_dashboards_first_tasks_and_counts_are_the_lists(board, clinician, coordinator, chair):
    # The dashboard reads each source's first few and counts the rest in SQL: the same first
    # tasks, total and overdue count as the whole list built in Python, with tasks of each
    # kind, overdue or not (a treatment is overdue a month after its meeting).
    more = board(cases=3, sign=False)
    for index, other in enumerate(more):
        _action(other, clinician, coordinator, due_in=index - 1, description=f"A{index}")
        follow_up_update(item=other, actor=coordinator, data={"patient_informer": clinician})
    meeting_sign_off(meeting=more[0].meeting, actor=chair)
    type(more[0].meeting).objects.filter(pk=more[0].meeting_id).update(
        scheduled_for=timezone.now() - datetime.timedelta(days=40)
    )
    tasks = my_tasks(user=clinician)
    kinds = {task.kind for task in tasks}
    assert kinds == {"action", "tell_patient", "record_treatment"}
    assert any(task.overdue for task in tasks if task.kind == "record_treatment")
    assert any(not task.overdue for task in tasks if task.kind == "action")
    for first in (1, 4, 20):
        summary = task_summary(user=clinician, first=first)
        assert summary.first == tasks[:first]
        assert summary.total == len(tasks)
        assert summary.overdue == sum(task.overdue for task in tasks)
