"""The dashboard: upcoming meetings (chair, cases, quorum so far), cases awaiting discussion,
cases whose recommendation is stale, and the user's actions due."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.services import agenda_item_add
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import action_add, action_update
from apps.patients.models import MdtCase
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory

FUTURE = datetime.datetime(2035, 1, 8, 8, tzinfo=datetime.UTC)


@pytest.fixture
def chair(make_user):
    return make_user("clinician", specialty="medical_oncologist")


def _meeting_with_cases(hospital, coordinator, chair, count, days=0):
    meeting = MeetingFactory(
        hospital=hospital, chair=chair, scheduled_for=FUTURE + datetime.timedelta(days=days)
    )
    for _ in range(count):
        case = CaseFactory(patient__hospital=hospital)
        agenda_item_add(meeting=meeting, case=case, actor=coordinator)
    return meeting


def test_dashboard_empty_states(client, viewer):
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert "No meetings are scheduled." in page
    assert "Nothing is waiting on you." in page
    assert "No cases are waiting." in page
    assert "Every open case's recommendation is current." in page


def test_dashboard_lists_upcoming_meetings_with_cases_and_quorum(
    client, viewer, hospital, coordinator, make_user
):
    chair = make_user("clinician", specialty="liver_surgeon", first_name="Ada", last_name="Chair")
    meeting = _meeting_with_cases(hospital, coordinator, chair, 3)
    attendance_add(meeting=meeting, actor=coordinator, user=chair)
    MeetingFactory(hospital=hospital, status="closed", title="Signed one")
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert reverse("meetings:meeting-detail", args=[meeting.pk]) in page
    assert "Ada Chair" in page
    assert "<td>3</td>" in page
    assert "Not quorate" in page and "Medical oncologist, Radiologist" in page
    assert "Signed one" not in page


def test_dashboard_lists_stale_recommendations_with_the_reason(
    client, viewer, hospital, coordinator
):
    stale = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    fresh = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    for case in (stale, fresh):
        recommendation_create(case=case, actor=coordinator)
    MdtCase.objects.filter(pk=stale.pk).update(
        facts_updated_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    section = page[page.index('id="dashboard-stale"') :]
    assert stale.patient.mrn in section
    assert fresh.patient.mrn not in section
    assert "facts changed after the evaluation" in section


def test_dashboard_stale_list_is_of_cases_still_to_discuss_newest_first(
    client, viewer, hospital, coordinator
):
    """Ten years of discussed cases would bury this week's: only cases awaiting discussion or
    on an agenda are listed, the newest referral first."""
    today = timezone.localdate()
    older = CaseFactory(
        patient__hospital=hospital,
        facts="solitary-metachronous-low-risk",
        referred_on=today - datetime.timedelta(days=30),
    )
    newer = CaseFactory(
        patient__hospital=hospital,
        facts="solitary-metachronous-low-risk",
        referred_on=today - datetime.timedelta(days=2),
        status="scheduled",
    )
    discussed = CaseFactory(
        patient__hospital=hospital, facts="solitary-metachronous-low-risk", status="discussed"
    )
    for case in (older, newer, discussed):
        recommendation_create(case=case, actor=coordinator)
    MdtCase.objects.update(facts_updated_at=timezone.now() + datetime.timedelta(minutes=5))
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    section = page[page.index('id="dashboard-stale"') :]
    assert section.index(newer.patient.mrn) < section.index(older.patient.mrn)
    assert discussed.patient.mrn not in section


def test_dashboard_lists_my_open_actions_soonest_first_overdue_marked(
    client, hospital, coordinator, clinician, chair
):
    meeting = _meeting_with_cases(hospital, coordinator, chair, 1)
    item = meeting.agenda_items.get()
    today = timezone.localdate()
    later = action_add(
        item=item,
        actor=coordinator,
        description="Later task",
        owner=clinician,
        due_on=today + datetime.timedelta(days=5),
    )
    action_add(
        item=item,
        actor=coordinator,
        description="Late task",
        owner=clinician,
        due_on=today - datetime.timedelta(days=2),
    )
    done = action_add(
        item=item, actor=coordinator, description="Done task", owner=clinician, due_on=today
    )
    action_update(action=done, actor=coordinator, data={"done": True})
    action_add(
        item=item, actor=coordinator, description="Someone else's", owner=coordinator, due_on=today
    )
    client.force_login(clinician)
    page = client.get(reverse("home")).content.decode()
    section = page[page.index('id="dashboard-actions"') : page.index('id="dashboard-waiting"')]
    assert section.index("Late task") < section.index("Later task")
    assert "Done task" not in section and "Someone else" not in section
    assert section.count("Overdue") == 1
    assert reverse("meetings:item-review", args=[meeting.pk, later.agenda_item_id]) in section


def test_dashboard_query_count_does_not_grow(
    client, hospital, coordinator, clinician, chair, django_assert_max_num_queries
):
    for days in range(3):
        meeting = _meeting_with_cases(hospital, coordinator, chair, 3, days=days)
        attendance_add(meeting=meeting, actor=coordinator, user=clinician)
    item = meeting.agenda_items.first()
    for index in range(4):
        action_add(
            item=item,
            actor=coordinator,
            description=f"Task {index}",
            owner=clinician,
            due_on=timezone.localdate(),
        )
    for _ in range(4):
        case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
        recommendation_create(case=case, actor=coordinator)
        MdtCase.objects.filter(pk=case.pk).update(
            facts_updated_at=timezone.now() + datetime.timedelta(minutes=5)
        )
    client.force_login(clinician)
    # Each of the clinician's three kinds of task: its first few, and a flag a row to count
    # them (apps/workspace/inbox.py); and one for their liver panel memberships.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.content.decode().count("Task ") == 4
