"""Meetings and agendas through the API, and the case filters that follow them."""

import datetime
import uuid

import pytest
from django.urls import reverse

from apps.meetings.models import AgendaItem, Meeting
from apps.patients.models import MdtCase, Patient
from tests.factories import CaseFactory, MeetingFactory, PatientFactory

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
    outsider = make_user("clinician", hospital=other_hospital)
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


def test_case_pagination_follows_next_links(coordinator_client, hospital):
    for _ in range(5):
        CaseFactory(patient__hospital=hospital)
    seen = []
    url = reverse("api:case-list") + "?page_size=2"
    while url:
        page = coordinator_client.get(url).json()
        assert page["count"] == 5
        seen += [case["id"] for case in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 5


def test_page_size_is_capped_at_one_hundred(coordinator_client, hospital):
    Patient.objects.bulk_create(
        PatientFactory.build(hospital=hospital, mrn=f"CAP-{n:03d}") for n in range(101)
    )
    page = coordinator_client.get(reverse("api:patient-list"), {"page_size": 1000}).json()
    assert page["count"] == 101
    assert len(page["results"]) == 100
    assert page["next"]


def test_meeting_filter_of_another_meeting_returns_only_its_cases(
    coordinator_client, meeting, hospital
):
    other = MeetingFactory(hospital=hospital)
    ours, theirs = (CaseFactory(patient__hospital=hospital) for _ in range(2))
    coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(ours.id)}
    )
    coordinator_client.post(reverse("api:meeting-agenda", args=[other.id]), {"case": str(ours.id)})
    coordinator_client.post(
        reverse("api:meeting-agenda", args=[other.id]), {"case": str(theirs.id)}
    )
    url = reverse("api:case-list")

    # On two agendas, the case is still listed once.
    assert coordinator_client.get(url, {"status": "scheduled"}).json()["count"] == 2
    listed = coordinator_client.get(url, {"meeting": str(other.id)}).json()
    assert sorted(c["id"] for c in listed["results"]) == sorted([str(ours.id), str(theirs.id)])
    assert coordinator_client.get(url, {"meeting": str(uuid.uuid4())}).json()["count"] == 0


def test_agenda_removal_from_one_of_two_meetings_keeps_the_case_scheduled(
    coordinator_client, meeting, hospital
):
    other = MeetingFactory(hospital=hospital)
    case = CaseFactory(patient__hospital=hospital)
    item = coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(case.id)}
    ).json()
    coordinator_client.post(reverse("api:meeting-agenda", args=[other.id]), {"case": str(case.id)})

    coordinator_client.delete(reverse("api:meeting-agenda-item", args=[meeting.id, item["id"]]))

    assert MdtCase.objects.get(pk=case.pk).status == "scheduled"


def test_agenda_positions_follow_the_order_of_adding(coordinator_client, meeting, hospital):
    cases = [CaseFactory(patient__hospital=hospital) for _ in range(3)]
    agenda_url = reverse("api:meeting-agenda", args=[meeting.id])
    items = [coordinator_client.post(agenda_url, {"case": str(c.id)}).json() for c in cases]
    coordinator_client.delete(reverse("api:meeting-agenda-item", args=[meeting.id, items[1]["id"]]))
    late = CaseFactory(patient__hospital=hospital)
    coordinator_client.post(agenda_url, {"case": str(late.id)})

    agenda = coordinator_client.get(agenda_url).json()
    assert [(item["case"], item["position"]) for item in agenda] == [
        (str(cases[0].id), 1),
        (str(cases[2].id), 3),
        (str(late.id), 4),
    ]
    assert agenda[0]["question"] == cases[0].question
    assert agenda[0]["patient"]["mrn"] == cases[0].patient.mrn


def test_agenda_item_of_another_meeting_is_404(coordinator_client, meeting, hospital):
    other = MeetingFactory(hospital=hospital)
    case = CaseFactory(patient__hospital=hospital)
    item = coordinator_client.post(
        reverse("api:meeting-agenda", args=[other.id]), {"case": str(case.id)}
    ).json()

    response = coordinator_client.delete(
        reverse("api:meeting-agenda-item", args=[meeting.id, item["id"]])
    )

    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=item["id"]).exists()


def test_agenda_item_with_malformed_id_is_404(coordinator_client, meeting):
    agenda_url = reverse("api:meeting-agenda", args=[meeting.id])
    response = coordinator_client.delete(f"{agenda_url}{'-' * 36}/")
    assert response.status_code == 404


def test_closed_meeting_agenda_is_final(coordinator_client, meeting, hospital):
    on_agenda, late = (CaseFactory(patient__hospital=hospital) for _ in range(2))
    agenda_url = reverse("api:meeting-agenda", args=[meeting.id])
    item = coordinator_client.post(agenda_url, {"case": str(on_agenda.id)}).json()
    Meeting.objects.filter(pk=meeting.pk).update(
        status="closed", signed_off_at=meeting.scheduled_for
    )

    added = coordinator_client.post(agenda_url, {"case": str(late.id)})
    removed = coordinator_client.delete(
        reverse("api:meeting-agenda-item", args=[meeting.id, item["id"]])
    )

    # 409: the request is sound, the meeting's state refuses it.
    assert added.status_code == removed.status_code == 409
    assert list(added.json()["errors"]) == ["meeting"]
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_meeting_delete_takes_its_cases_off_the_agenda(coordinator_client, meeting, hospital):
    case = CaseFactory(patient__hospital=hospital)
    coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(case.id)}
    )
    assert MdtCase.objects.get(pk=case.pk).status == "scheduled"

    response = coordinator_client.delete(reverse("api:meeting-detail", args=[meeting.id]))

    assert response.status_code == 204
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert MdtCase.objects.get(pk=case.pk).status == "awaiting_discussion"


def test_meeting_presenter_from_another_hospital_is_refused(
    coordinator_client, meeting, hospital, make_user, other_hospital
):
    case = CaseFactory(patient__hospital=hospital)
    outsider = make_user("clinician", hospital=other_hospital)
    response = coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]),
        {"case": str(case.id), "presenter": outsider.username},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["presenter"]


def test_meeting_list_filters_and_orders(coordinator_client, hospital, other_hospital):
    early = MeetingFactory(
        hospital=hospital, scheduled_for=datetime.datetime(2031, 1, 1, 8, tzinfo=datetime.UTC)
    )
    late = MeetingFactory(
        hospital=hospital, scheduled_for=datetime.datetime(2031, 6, 1, 8, tzinfo=datetime.UTC)
    )
    MeetingFactory(hospital=other_hospital)
    url = reverse("api:meeting-list")

    listed = coordinator_client.get(url).json()
    assert [m["id"] for m in listed["results"]] == [str(early.id), str(late.id)]
    after = coordinator_client.get(url, {"scheduled_after": "2031-03-01T00:00:00Z"}).json()
    assert [m["id"] for m in after["results"]] == [str(late.id)]
    newest = coordinator_client.get(url, {"ordering": "-scheduled_for"}).json()
    assert newest["results"][0]["id"] == str(late.id)


def test_case_on_an_open_agenda_cannot_be_set_awaiting_by_hand(
    coordinator_client, meeting, hospital
):
    case = CaseFactory(patient__hospital=hospital)
    coordinator_client.post(
        reverse("api:meeting-agenda", args=[meeting.id]), {"case": str(case.id)}
    )

    response = coordinator_client.patch(
        reverse("api:case-detail", args=[case.id]),
        {"status": "awaiting_discussion"},
        format="json",
    )

    assert response.status_code == 400
    assert MdtCase.objects.get(pk=case.pk).status == "scheduled"


def test_closed_meeting_cannot_be_reopened_or_changed(coordinator_client, hospital):
    meeting = MeetingFactory(hospital=hospital, status="closed")
    url = reverse("api:meeting-detail", args=[meeting.id])
    for change in ({"status": "scheduled"}, {"location": "Elsewhere"}):
        assert coordinator_client.patch(url, change, format="json").status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).status == "closed"


def test_agenda_item_route_takes_uppercase_uuid(coordinator_client, hospital):
    meeting = MeetingFactory(hospital=hospital)
    case = CaseFactory(patient__hospital=hospital)
    agenda_url = reverse("api:meeting-agenda", args=[meeting.id])
    item = coordinator_client.post(agenda_url, {"case": str(case.id)}, format="json").json()
    response = coordinator_client.delete(f"{agenda_url}{item['id'].upper()}/")
    assert response.status_code == 204


def test_agenda_reorder_puts_the_cases_in_the_given_order(coordinator_client, coordinator, meeting):
    cases = [CaseFactory(patient__hospital=meeting.hospital) for _ in range(3)]
    agenda_url = reverse("api:meeting-agenda", args=[meeting.id])
    ids = [coordinator_client.post(agenda_url, {"case": str(c.id)}).json()["id"] for c in cases]
    url = reverse("api:meeting-agenda-reorder", args=[meeting.id])

    response = coordinator_client.post(url, {"items": [ids[2], ids[0], ids[1]]}, format="json")

    assert response.status_code == 200, response.content
    assert [entry["id"] for entry in response.json()] == [ids[2], ids[0], ids[1]]
    assert [entry["position"] for entry in response.json()] == [1, 2, 3]
    moved = AgendaItem.objects.get(pk=ids[2])
    assert moved.history.latest().history_user == coordinator
    assert [row.position for row in moved.history.order_by("history_date")] == [3, 1]


@pytest.mark.parametrize(
    "order",
    [
        lambda ids: ids[:1],  # one left out
        lambda ids: [ids[0], ids[0]],  # twice
        lambda ids: [*ids, "00000000-0000-0000-0000-000000000000"],  # unknown
        lambda ids: [],
    ],
    ids=["left-out", "twice", "unknown", "empty"],
)
def test_agenda_reorder_needs_every_item_once(coordinator_client, meeting, order):
    agenda_url = reverse("api:meeting-agenda", args=[meeting.id])
    ids = [
        coordinator_client.post(
            agenda_url, {"case": str(CaseFactory(patient__hospital=meeting.hospital).id)}
        ).json()["id"]
        for _ in range(2)
    ]

    response = coordinator_client.post(
        reverse("api:meeting-agenda-reorder", args=[meeting.id]),
        {"items": order(ids)},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["items"]
    assert list(
        AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("id", flat=True)
    ) == [uuid.UUID(i) for i in ids]


def test_meeting_in_progress_keeps_its_chair(client_for, coordinator, hospital, make_user):
    """Without a chair nobody could reveal the votes or sign the meeting off."""
    chair = make_user("clinician", specialty="liver_surgeon")
    meeting = MeetingFactory(hospital=hospital, status="in_progress", chair=chair)

    response = client_for(coordinator).patch(
        reverse("api:meeting-detail", args=[meeting.pk]), {"chair": None}, format="json"
    )

    assert response.status_code == 409
    assert "chair" in response.json()["errors"]
    meeting.refresh_from_db()
    assert meeting.chair == chair
