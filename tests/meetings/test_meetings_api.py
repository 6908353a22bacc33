"""Meetings and agendas through the API, and the case filters that follow them."""

import pytest
from django.urls import reverse

from apps.patients.models import MdtCase
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(hospital):
    return MeetingFactory(hospital=hospital)


def test_meeting_create_with_chair_from_the_hospital(coordinator_client, clinician):
    response = coordinator_client.post(
        reverse("api:meeting-list"),
        {
            "scheduled_for": "2031-02-04T08:00:00Z",
            "location": "Room 2",
            "chair": clinician.username,
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["chair"] == clinician.username
    assert response.data["status"] == "scheduled"


def test_meeting_chair_from_another_hospital_is_refused(
    coordinator_client, make_user, other_hospital
):
    outsider = make_user("clinician", hospital_=other_hospital)
    response = coordinator_client.post(
        reverse("api:meeting-list"),
        {"scheduled_for": "2031-02-04T08:00:00Z", "chair": outsider.username},
        format="json",
    )
    assert response.status_code == 400
    assert "chair" in response.json()["errors"]


def test_agenda_add_list_remove_follows_case_status(
    coordinator_client, meeting, hospital, clinician
):
    first, second = CaseFactory(patient__hospital=hospital), CaseFactory(patient__hospital=hospital)
    agenda_url = reverse("api:meeting-agenda", args=[meeting.id])

    added = [
        coordinator_client.post(
            agenda_url, {"case": str(case.id), "presenter": clinician.username}, format="json"
        )
        for case in (first, second)
    ]
    assert [response.status_code for response in added] == [201, 201]
    assert MdtCase.objects.get(pk=first.pk).status == "scheduled"

    agenda = coordinator_client.get(agenda_url).json()
    assert [item["case"] for item in agenda] == [str(first.id), str(second.id)]
    assert [item["position"] for item in agenda] == [1, 2]
    assert agenda[0]["presenter"] == clinician.username

    again = coordinator_client.post(agenda_url, {"case": str(first.id)}, format="json")
    assert again.status_code == 400

    removed = coordinator_client.delete(
        reverse("api:meeting-agenda-item", args=[meeting.id, added[0].data["id"]])
    )
    assert removed.status_code == 204
    assert MdtCase.objects.get(pk=first.pk).status == "awaiting_discussion"


def test_withdrawn_case_cannot_be_put_on_an_agenda(coordinator_client, meeting, hospital):
    case = CaseFactory(patient__hospital=hospital, status="withdrawn")
    response = coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(case.id)}, format="json"
    )
    assert response.status_code == 400
    assert "case" in response.json()["errors"]


def test_case_on_an_agenda_cannot_be_deleted(coordinator_client, meeting, hospital):
    case = CaseFactory(patient__hospital=hospital)
    coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(case.id)}, format="json"
    )
    response = coordinator_client.delete(reverse("api:case-detail", args=[case.id]))
    assert response.status_code == 409
    assert MdtCase.objects.filter(pk=case.pk).exists()


def test_case_filters_meeting_mrn_status(coordinator_client, meeting, hospital):
    on_agenda = CaseFactory(patient__hospital=hospital, patient__mrn="FILTER-1")
    CaseFactory(patient__hospital=hospital, patient__mrn="FILTER-2")
    closed = CaseFactory(patient__hospital=hospital, status="closed")
    coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(on_agenda.id)}, format="json"
    )
    url = reverse("api:case-list")

    assert [
        c["id"] for c in coordinator_client.get(url, {"meeting": str(meeting.id)}).json()["results"]
    ] == [str(on_agenda.id)]
    assert [
        c["patient"]["mrn"]
        for c in coordinator_client.get(url, {"mrn": "FILTER-2"}).json()["results"]
    ] == ["FILTER-2"]
    closed_only = coordinator_client.get(url, {"status": "closed"}).json()["results"]
    assert [c["id"] for c in closed_only] == [str(closed.id)]
    two_statuses = coordinator_client.get(f"{url}?status=closed&status=scheduled").json()
    assert two_statuses["count"] == 2


def test_case_ordering_and_pagination(coordinator_client, hospital):
    import datetime

    for day in range(1, 6):
        CaseFactory(patient__hospital=hospital, referred_on=datetime.date(2026, 10, day))
    url = reverse("api:case-list")

    page = coordinator_client.get(url, {"ordering": "referred_on", "page_size": 2}).json()
    assert page["count"] == 5
    assert [c["referred_on"] for c in page["results"]] == ["2026-10-01", "2026-10-02"]
    assert page["next"]
    newest = coordinator_client.get(url, {"ordering": "-referred_on"}).json()["results"][0]
    assert newest["referred_on"] == "2026-10-05"


def test_started_meeting_cannot_be_deleted(coordinator_client, hospital):
    meeting = MeetingFactory(hospital=hospital, status="in_progress")
    assert (
        coordinator_client.delete(reverse("api:meeting-detail", args=[meeting.id])).status_code
        == 409
    )
