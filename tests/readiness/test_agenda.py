"""Readiness on the agenda: a case added not ready is recorded so and the answer warns; the
meeting page and the agenda API show each case's state in a constant number of queries; a case
not ready cannot be listed as standard of care."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.meetings.services import agenda_item_add
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory, make_ready

pytestmark = pytest.mark.django_db

READY_FACTS = "solitary-metachronous-low-risk"


@pytest.fixture
def meeting(hospital, make_user):
    chair = make_user("clinician", specialty="medical_oncologist")
    return MeetingFactory(hospital=hospital, chair=chair, status="in_progress")


def _case(hospital, actor, *, ready):
    case = CaseFactory(patient__hospital=hospital, facts=READY_FACTS)
    recommendation_create(case=case, actor=actor)
    if ready:
        make_ready(case)
    return case


def test_api_add_not_ready_warns_and_records_it(coordinator_client, coordinator, meeting, hospital):
    case = _case(hospital, coordinator, ready=False)
    response = coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(case.id)}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["added_not_ready"] is True
    assert body["readiness"]["ready"] is False
    assert body["readiness_warning"].startswith("Added, but the case is not ready: ")
    assert "Histology confirmed: not confirmed" in body["readiness_warning"]
    codes = {entry["code"] for entry in body["readiness_missing"]}
    assert codes == {
        "ct_chest_abdomen_pelvis",
        "liver_mri",
        "cea",
        "performance_status",
        "histology",
    }
    item = meeting.agenda_items.get()
    assert item.added_not_ready
    assert item.history.first().added_not_ready  # audited with the item


def test_api_add_ready_case_has_no_warning(coordinator_client, coordinator, meeting, hospital):
    case = _case(hospital, coordinator, ready=True)
    response = coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(case.id)}, format="json"
    )
    body = response.json()
    assert body["added_not_ready"] is False
    assert body["readiness_warning"] is None and body["readiness_missing"] == []
    assert body["readiness"]["ready"] is True


def test_htmx_add_not_ready_shows_the_warning(client, coordinator, meeting, hospital):
    case = _case(hospital, coordinator, ready=False)
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:agenda-add", args=[meeting.pk]), {"case": case.pk}, HTTP_HX_REQUEST="true"
    )
    fragment = response.content.decode()
    assert response.status_code == 200
    assert 'id="added-not-ready"' in fragment
    assert "was added but is not ready" in fragment
    assert "Liver MRI: no study recorded" in fragment


def test_standard_of_care_refused_until_ready(client_for, coordinator, meeting, hospital):
    case = _case(hospital, coordinator, ready=False)
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
    chair = client_for(meeting.chair)
    url = reverse("api:agenda-item-standard-of-care", args=[meeting.id, item.id])
    response = chair.post(url, {"intent": "curative"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["message"].startswith("The case is not ready")
    assert "Histology confirmed: not confirmed" in body["errors"]["readiness"][0]
    make_ready(case)
    assert chair.post(url, {"intent": "curative"}, format="json").status_code == 201


def test_meeting_page_and_agenda_api_constant_queries(
    client, coordinator_client, coordinator, meeting, hospital, django_assert_max_num_queries
):
    def count(n):
        for index in range(n):
            agenda_item_add(
                meeting=meeting,
                case=_case(hospital, coordinator, ready=index % 2 == 0),
                actor=coordinator,
            )

    client.force_login(coordinator)
    count(2)

    with CaptureQueriesContext(connection) as small_page:
        client.get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    with CaptureQueriesContext(connection) as small_api:
        coordinator_client.get(reverse("api:meeting-agenda", args=[meeting.id]))
    count(4)
    with django_assert_max_num_queries(len(small_page)):
        page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    with django_assert_max_num_queries(len(small_api)):
        body = coordinator_client.get(reverse("api:meeting-agenda", args=[meeting.id])).json()
    assert page.count('<span class="badge ok">Ready</span>') == 3
    assert page.count('<span class="badge warn">Not ready</span>') == 3
    assert [entry["readiness"]["ready"] for entry in body] == [True, False] * 3


def test_a_later_meeting_makes_the_same_results_stale(coordinator, hospital, make_user):
    case = _case(hospital, coordinator, ready=True)
    later = MeetingFactory(
        hospital=hospital, scheduled_for=datetime.datetime(2030, 3, 5, 8, 0, tzinfo=datetime.UTC)
    )
    item = agenda_item_add(meeting=later, case=case, actor=coordinator)
    assert item.added_not_ready
    assert {entry["state"] for entry in item.readiness_missing} == {"stale"}
