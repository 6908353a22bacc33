"""What the board asked to be done for a case (actions: added before sign-off, tracked after),
and the follow-up of telling the patient and the referring clinician."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import AgendaItem, DecisionAction, Meeting
from apps.meetings.services import agenda_item_add
from apps.meetings.services.sign_off import meeting_sign_off
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

AGREE = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}


def _url(name, item, *more):
    return reverse(f"api:agenda-item-{name}", args=[item.meeting_id, item.id, *more])


def _decide(client, item):
    response = client.put(_url("decision", item), AGREE, format="json")
    assert response.status_code == 201, response.json()


def _sign_off(item, chair, client):
    _decide(client, item)
    meeting_sign_off(meeting=item.meeting, actor=chair)


def _add(client, item, **changes):
    body = {
        "description": "Book a liver MRI",
        "owner": changes.pop("owner"),
        "due_on": "2030-01-20",
    }
    return client.post(_url("actions", item), {**body, **changes}, format="json")


# --- actions ------------------------------------------------------------------------------------


def test_action_add_and_list_by_due_date_with_overdue(
    coordinator_client, coordinator, clinician, item
):
    later = _add(coordinator_client, item, owner=clinician.username)
    past_due = _add(
        coordinator_client,
        item,
        owner=coordinator.username,
        due_on="2020-01-01",
        description="Refer to oncology",
    )

    assert (later.status_code, past_due.status_code) == (201, 201)
    assert later.json()["owner"] == clinician.username
    assert later.json()["created_by"] == coordinator.username
    assert (later.json()["done"], later.json()["overdue"]) == (False, False)
    stored = DecisionAction.objects.get(pk=later.json()["id"])
    assert (stored.description, stored.due_on) == ("Book a liver MRI", datetime.date(2030, 1, 20))
    assert stored.history.get().history_user == coordinator

    listed = coordinator_client.get(_url("actions", item)).json()
    assert [(a["description"], a["overdue"]) for a in listed] == [
        ("Refer to oncology", True),
        ("Book a liver MRI", False),
    ]


def test_action_done_is_not_overdue_and_can_be_undone(clinician_client, clinician, item):
    added = _add(clinician_client, item, owner=clinician.username, due_on="2020-01-01").json()
    url = _url("action", item, added["id"])

    done = clinician_client.patch(url, {"done": True}, format="json")

    assert done.status_code == 200
    assert (done.json()["done"], done.json()["overdue"]) == (True, False)
    done_at = DecisionAction.objects.get().done_at
    assert done_at is not None
    again = clinician_client.patch(url, {"done": True}, format="json")
    assert DecisionAction.objects.get().done_at == done_at  # done once, when first done
    assert again.json()["done_at"] == done.json()["done_at"]

    undone = clinician_client.patch(url, {"done": False}, format="json")

    assert (undone.json()["done"], undone.json()["overdue"]) == (False, True)
    assert DecisionAction.objects.get().done_at is None
    assert DecisionAction.objects.get().history.latest().history_user == clinician


def test_action_update_and_remove_before_sign_off(coordinator_client, coordinator, clinician, item):
    added = _add(coordinator_client, item, owner=clinician.username).json()
    url = _url("action", item, added["id"])

    changed = coordinator_client.patch(
        url,
        {"description": "Book a CT", "owner": coordinator.username, "due_on": "2030-02-01"},
        format="json",
    )

    assert changed.status_code == 200
    stored = DecisionAction.objects.get()
    assert (stored.description, stored.owner, stored.due_on) == (
        "Book a CT",
        coordinator,
        datetime.date(2030, 2, 1),
    )
    assert coordinator_client.delete(url).status_code == 204
    assert not DecisionAction.objects.exists()
    assert DecisionAction.history.latest().history_type == "-"
    assert DecisionAction.history.latest().history_user == coordinator


def test_action_after_sign_off_is_tracked_not_rewritten(
    clinician_client, coordinator, clinician, chair, item
):
    added = _add(clinician_client, item, owner=clinician.username).json()
    _sign_off(item, chair, clinician_client)
    url = _url("action", item, added["id"])

    tracked = clinician_client.patch(
        url,
        {
            "owner": coordinator.username,
            "due_on": "2030-03-01",
            "done": True,
            "description": "Book a liver MRI",
        },  # unchanged: allowed
        format="json",
    )
    rewritten = clinician_client.patch(url, {"description": "Something else"}, format="json")
    removed = clinician_client.delete(url)
    new = _add(clinician_client, item, owner=clinician.username)

    assert tracked.status_code == 200, tracked.json()
    assert (rewritten.status_code, removed.status_code, new.status_code) == (409, 409, 409)
    assert "description" in rewritten.json()["errors"]
    stored = DecisionAction.objects.get()
    assert (stored.description, stored.owner, stored.due_on) == (
        "Book a liver MRI",
        coordinator,
        datetime.date(2030, 3, 1),
    )
    assert stored.done_at is not None


def test_action_on_a_moved_case_is_409(coordinator_client, clinician, item, hospital):
    added = _add(coordinator_client, item, owner=clinician.username).json()
    AgendaItem.objects.filter(pk=item.pk).update(moved_to=MeetingFactory(hospital=hospital))
    url = _url("action", item, added["id"])

    assert _add(coordinator_client, item, owner=clinician.username).status_code == 409
    assert coordinator_client.patch(url, {"done": True}, format="json").status_code == 409
    assert coordinator_client.delete(url).status_code == 409
    assert DecisionAction.objects.get().done_at is None


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 501}, "description"),
        ({"description": "MRI\x00"}, "description"),
        ({"description": None}, "description"),
        ({"owner": "nobody"}, "owner"),
        ({"owner": 5}, "owner"),
        ({"owner": "user\x00"}, "owner"),
        ({"due_on": "soon"}, "due_on"),
        ({"due_on": 20300120}, "due_on"),
        ({"due_on": True}, "due_on"),
        ({"done": True}, "done"),  # not a field of a new action
    ],
)
def test_action_add_malformed_is_400(coordinator_client, clinician, item, changes, path):
    response = _add(coordinator_client, item, **{"owner": clinician.username, **changes})

    assert response.status_code == 400
    assert path in response.json()["errors"], response.json()
    assert not DecisionAction.objects.exists()


def test_action_owner_of_another_hospital_is_400(
    coordinator_client, make_user, other_hospital, item
):
    outsider = make_user("clinician", hospital=other_hospital)

    response = _add(coordinator_client, item, owner=outsider.username)

    assert response.status_code == 400
    assert "owner" in response.json()["errors"]


@pytest.mark.parametrize("body", [{"done": 1}, {"done": "yes"}, {"due_on": None}, {"id": "x"}])
def test_action_update_malformed_is_400(coordinator_client, clinician, item, body):
    added = _add(coordinator_client, item, owner=clinician.username).json()

    response = coordinator_client.patch(_url("action", item, added["id"]), body, format="json")

    assert response.status_code == 400
    assert DecisionAction.objects.get().done_at is None


def test_action_roles(client_for, viewer, coordinator_client, clinician, item):
    added = _add(coordinator_client, item, owner=clinician.username).json()
    as_viewer = client_for(viewer)

    assert as_viewer.get(_url("actions", item)).status_code == 200
    assert _add(as_viewer, item, owner=clinician.username).status_code == 403
    url = _url("action", item, added["id"])
    assert as_viewer.patch(url, {"done": True}, format="json").status_code == 403
    assert as_viewer.delete(url).status_code == 403
    assert DecisionAction.objects.get().done_at is None


def test_action_of_another_item_or_hospital_is_404(
    coordinator_client,
    client_for,
    make_user,
    other_hospital,
    clinician,
    item,
    hospital,
    coordinator,
):
    added = _add(coordinator_client, item, owner=clinician.username).json()
    other_case = CaseFactory(patient__hospital=hospital)
    other_item = agenda_item_add(meeting=item.meeting, case=other_case, actor=coordinator)
    outsider = client_for(make_user("coordinator", hospital=other_hospital))

    assert coordinator_client.delete(_url("action", other_item, added["id"])).status_code == 404
    assert coordinator_client.delete(_url("action", item, "not-a-uuid")).status_code == 404
    assert outsider.get(_url("actions", item)).status_code == 404
    assert outsider.delete(_url("action", item, added["id"])).status_code == 404
    assert DecisionAction.objects.exists()


def test_action_list_reads_do_not_grow_with_actions(
    coordinator_client, coordinator, clinician, item, django_assert_max_num_queries
):
    _add(coordinator_client, item, owner=clinician.username)
    url = _url("actions", item)
    with CaptureQueriesContext(connection) as few:
        assert coordinator_client.get(url).status_code == 200
    few_count = len(few.captured_queries)  # read now: the next requests reset the query log

    for index in range(8):
        owner = coordinator if index % 2 else clinician
        _add(coordinator_client, item, owner=owner.username, due_on=f"2030-02-{index + 1:02d}")

    with django_assert_max_num_queries(few_count):
        response = coordinator_client.get(url)
    assert len(response.json()) == 9


# --- follow-up ----------------------------------------------------------------------------------


def test_follow_up_after_a_decision(clinician_client, coordinator_client, coordinator, item):
    _decide(clinician_client, item)

    read = coordinator_client.get(_url("follow-up", item))

    assert read.status_code == 200
    assert read.json() == {
        "patient_informer": None,
        "inform_patient_by": "2030-01-10",
        "patient_informed_at": None,
        "referrer_informed_at": None,
        "patient_overdue": False,
    }
    # Told just after the decision was recorded (never before it: see the dates test below).
    told = timezone.now().replace(microsecond=0)
    response = coordinator_client.patch(
        _url("follow-up", item),
        {
            "patient_informer": coordinator.username,
            "patient_informed_at": told.isoformat(),
            "referrer_informed_at": told.isoformat(),
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["patient_informer"] == coordinator.username
    item.refresh_from_db()
    assert (item.patient_informer, item.patient_informed_at, item.referrer_informed_at) == (
        coordinator,
        told,
        told,
    )
    assert item.history.latest().history_user == coordinator


def test_follow_up_patient_overdue(clinician_client, item):
    AgendaItem.objects.filter(pk=item.pk).update(
        inform_patient_by=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert clinician_client.get(_url("follow-up", item)).json()["patient_overdue"] is True

    _decide(clinician_client, item)
    clinician_client.patch(
        _url("follow-up", item), {"patient_informed_at": timezone.now().isoformat()}, format="json"
    )

    assert clinician_client.get(_url("follow-up", item)).json()["patient_overdue"] is False


def test_follow_up_informer_and_date_may_be_set_before_the_decision(
    clinician_client, clinician, item
):
    response = clinician_client.patch(
        _url("follow-up", item),
        {"patient_informer": clinician.username, "inform_patient_by": "2030-01-15"},
        format="json",
    )

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.patient_informer, item.inform_patient_by) == (
        clinician,
        datetime.date(2030, 1, 15),
    )


@pytest.mark.parametrize("field", ["patient_informed_at", "referrer_informed_at"])
def test_follow_up_told_before_any_decision_is_409(clinician_client, item, field):
    response = clinician_client.patch(
        _url("follow-up", item), {field: timezone.now().isoformat()}, format="json"
    )

    assert response.status_code == 409
    assert field in response.json()["errors"]
    item.refresh_from_db()
    assert getattr(item, field) is None


@pytest.mark.parametrize("field", ["patient_informed_at", "referrer_informed_at"])
def test_follow_up_told_in_the_future_is_400(clinician_client, item, field):
    _decide(clinician_client, item)
    tomorrow = timezone.now() + datetime.timedelta(days=1)

    response = clinician_client.patch(
        _url("follow-up", item), {field: tomorrow.isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("field", ["patient_informed_at", "referrer_informed_at"])
@pytest.mark.parametrize(
    "when", ["0840-06-01T12:00:00Z", "1900-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
)
def test_follow_up_told_at_an_implausible_time_is_400(clinician_client, item, field, when):
    _decide(clinician_client, item)

    response = clinician_client.patch(_url("follow-up", item), {field: when}, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    item.refresh_from_db()
    assert getattr(item, field) is None


def test_follow_up_told_before_the_decision_is_400_and_just_after_it_is_kept(
    clinician_client, item
):
    _decide(clinician_client, item)
    decided = item.decisions.get().created_at
    before = decided - datetime.timedelta(hours=1)

    refused = clinician_client.patch(
        _url("follow-up", item), {"patient_informed_at": before.isoformat()}, format="json"
    )
    kept = clinician_client.patch(
        _url("follow-up", item), {"patient_informed_at": decided.isoformat()}, format="json"
    )

    assert refused.status_code == 400
    assert "before the decision" in refused.json()["errors"]["patient_informed_at"][0]
    assert kept.status_code == 200, kept.json()


@pytest.mark.parametrize("day", ["0840-06-01", "1900-01-01", "2029-12-31", "9999-12-31"])
def test_follow_up_inform_by_outside_its_window_after_the_meeting_is_400(
    clinician_client, item, day
):
    # The meeting is on 8 January 2030: the day before it and anything past 90 days are out.
    response = clinician_client.patch(
        _url("follow-up", item), {"inform_patient_by": day}, format="json"
    )

    assert response.status_code == 400, response.json()
    assert "inform_patient_by" in response.json()["errors"]
    item.refresh_from_db()
    assert item.inform_patient_by is None


def test_follow_up_after_sign_off_is_allowed(clinician_client, chair, item):
    _sign_off(item, chair, clinician_client)

    response = clinician_client.patch(
        _url("follow-up", item), {"referrer_informed_at": timezone.now().isoformat()}, format="json"
    )

    assert response.status_code == 200
    assert Meeting.objects.get(pk=item.meeting_id).status == "closed"
    assert AgendaItem.objects.get(pk=item.pk).referrer_informed_at is not None


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"patient_informed_at": "yesterday"}, "patient_informed_at"),
        ({"patient_informed_at": 5}, "patient_informed_at"),
        ({"referrer_informed_at": True}, "referrer_informed_at"),
        ({"inform_patient_by": "2030-13-01"}, "inform_patient_by"),
        ({"inform_patient_by": "2030\x00-01-01"}, "inform_patient_by"),
        ({"patient_informer": "ghost"}, "patient_informer"),
        ({"patient_informer": ["x"]}, "patient_informer"),
        ({"patient_overdue": False}, "patient_overdue"),
        ("not an object", ""),
    ],
)
def test_follow_up_malformed_is_400(clinician_client, item, body, path):
    response = clinician_client.patch(_url("follow-up", item), body, format="json")

    assert response.status_code == 400
    assert path in response.json()["errors"], response.json()


def test_follow_up_roles_and_other_hospitals(
    client_for, viewer, make_user, other_hospital, clinician, item
):
    body = {"patient_informer": clinician.username}

    assert client_for(viewer).get(_url("follow-up", item)).status_code == 200
    assert client_for(viewer).patch(_url("follow-up", item), body, format="json").status_code == 403
    outsider = client_for(make_user("coordinator", hospital=other_hospital))
    assert outsider.get(_url("follow-up", item)).status_code == 404
    assert outsider.patch(_url("follow-up", item), body, format="json").status_code == 404
    assert AgendaItem.objects.get(pk=item.pk).patient_informer is None


def test_follow_up_on_a_moved_case_is_409(clinician_client, clinician, item, hospital):
    AgendaItem.objects.filter(pk=item.pk).update(moved_to=MeetingFactory(hospital=hospital))

    response = clinician_client.patch(
        _url("follow-up", item), {"patient_informer": clinician.username}, format="json"
    )

    assert response.status_code == 409
