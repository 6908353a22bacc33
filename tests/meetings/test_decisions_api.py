"""The board's decision on an agenda case through the API: recording it against a recommendation
snapshot, its flags (quorum, standard of care, stale recommendation), listing a case as standard
of care, and amending a signed-off decision. Concurrent edits are in test_decision_concurrency."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.meetings.models import AgendaItem, Attendance, Decision, Meeting
from apps.meetings.services import agenda_item_add
from apps.meetings.services.sign_off import meeting_sign_off
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.services import recommendation_create
from tests.conftest import example
from tests.factories import CaseFactory, MeetingFactory, make_ready

pytestmark = pytest.mark.django_db

AGREE = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}
WORKUP_EXAMPLE = "lung-and-peritoneum-unresectable-ehd"  # outstanding work-up: MOLECULAR_TESTING


@pytest.fixture
def case(hospital):
    """Unlike the shared `case`, no recommendation snapshot yet: tests that need one ask for
    `snapshot`, so that the tests of a decision without a recommendation can do without."""
    return CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")


@pytest.fixture
def snapshot(case, clinician):
    """The case's recommendation snapshot, evaluated by `clinician` (and the case made ready
    for discussion, so that it can be listed as standard of care)."""
    made = recommendation_create(case=case, actor=clinician)
    make_ready(case)
    return made


@pytest.fixture
def chair_client(client_for, chair):
    return client_for(chair)


def _url(name, item):
    return reverse(f"api:agenda-item-{name}", args=[item.meeting_id, item.id])


def _put(client, item, body, if_match=None):
    headers = {"If-Match": if_match} if if_match else {}
    return client.put(_url("decision", item), body, format="json", headers=headers)


def _attend(meeting, make_user, *specialties):
    for specialty in specialties:
        Attendance.objects.create(
            meeting=meeting, user=make_user("clinician", specialty=specialty), specialty=specialty
        )


# --- recording ----------------------------------------------------------------------------------


def test_decision_put_records_version_one_on_the_newest_snapshot(
    clinician_client, clinician, item, snapshot
):
    response = _put(clinician_client, item, {**AGREE, "plan_text": "Right hepatectomy."})

    assert response.status_code == 201, response.json()
    body = response.json()
    stored = Decision.objects.get(agenda_item=item)
    assert response["ETag"] == f'"{stored.id}.1"'
    assert body["id"] == str(stored.id)
    assert (body["version"], body["revision"]) == (1, 1)
    assert body["recommendation"] == {
        "id": str(snapshot.id),
        "pathway_version": snapshot.pathway_version,
        "primary_code": "HEPATECTOMY",
        "resectability": "resectable",
        "created_at": body["recommendation"]["created_at"],
        "stale": False,
        "stale_reason": None,
    }
    assert body["plan_codes"] == ["HEPATECTOMY"]
    assert body["recorded_by"] == clinician.username
    assert body["signed_off_at"] is None
    assert (stored.recommendation_id, stored.plan_text) == (snapshot.id, "Right hepatectomy.")
    assert stored.history.get().history_user == clinician
    # The clock for telling the patient starts: two working days after Tuesday 8 January 2030.
    item.refresh_from_db()
    assert item.inform_patient_by == datetime.date(2030, 1, 10)


def test_decision_put_keeps_an_inform_patient_by_already_set(clinician_client, item, snapshot):
    AgendaItem.objects.filter(pk=item.pk).update(inform_patient_by=datetime.date(2030, 2, 1))

    assert _put(clinician_client, item, AGREE).status_code == 201

    item.refresh_from_db()
    assert item.inform_patient_by == datetime.date(2030, 2, 1)


def test_decision_quorum_flag_follows_the_core_specialties_present(
    clinician_client, item, snapshot, make_user
):
    _attend(item.meeting, make_user, "liver_surgeon", "medical_oncologist")  # no radiologist

    first = _put(clinician_client, item, AGREE)

    assert first.status_code == 201
    assert (first.json()["quorate"], first.json()["flags"]) == (False, ["recorded_without_quorum"])
    assert Decision.objects.get(agenda_item=item).quorate is False

    _attend(item.meeting, make_user, "radiologist")
    edited = _put(
        clinician_client, item, {**AGREE, "plan_text": "Now quorate."}, if_match=first["ETag"]
    )

    assert edited.status_code == 200, edited.json()
    assert (edited.json()["quorate"], edited.json()["flags"]) == (True, [])
    assert Decision.objects.get(agenda_item=item).quorate is True


def test_decision_against_a_stale_snapshot_is_flagged(clinician_client, item, snapshot):
    RecommendationSnapshot.objects.filter(pk=snapshot.pk).update(pathway_version="crlm-2025.1")

    response = _put(clinician_client, item, AGREE)

    assert response.status_code == 201
    assert "recommendation_stale" in response.json()["flags"]
    assert response.json()["recommendation"]["stale_reason"] == "pathway_updated"


def test_decision_with_an_earlier_snapshot_of_the_case(clinician_client, item, snapshot, clinician):
    newer = recommendation_create(case=item.case, actor=clinician)

    response = _put(clinician_client, item, {**AGREE, "recommendation": str(snapshot.id)})

    assert response.status_code == 201
    assert response.json()["recommendation"]["id"] == str(snapshot.id) != str(newer.id)


def test_decision_with_plan_text_only_and_a_departure(clinician_client, item, snapshot):
    body = {
        "intent": "palliative",
        "agreement": "disagree",
        "plan_text": "Best supportive care at the patient's wish.",
        "departure_reason": "patient_preference",
        "departure_detail": "Declines surgery after discussion.",
    }

    response = _put(clinician_client, item, body)

    assert response.status_code == 201, response.json()
    stored = Decision.objects.get(agenda_item=item)
    assert (stored.plan_codes, stored.agreement, stored.departure_reason) == (
        [],
        "disagree",
        "patient_preference",
    )


def test_decision_get_answers_current_and_versions_with_the_etag(
    clinician_client, client_for, viewer, item, snapshot
):
    recorded = _put(clinician_client, item, AGREE)

    response = client_for(viewer).get(_url("decision", item))

    assert response.status_code == 200
    assert response["ETag"] == recorded["ETag"]
    assert response.json()["current"] == recorded.json()
    assert response.json()["versions"] == [recorded.json()]


def test_decision_get_before_any_is_a_clear_404(clinician_client, item):
    response = clinician_client.get(_url("decision", item))

    assert response.status_code == 404
    assert "No decision has been recorded" in response.json()["message"]


# --- refusals -----------------------------------------------------------------------------------


def test_decision_without_any_recommendation_is_409(clinician_client, item):
    response = _put(clinician_client, item, AGREE)

    assert response.status_code == 409
    assert "make a recommendation first" in response.json()["message"]
    assert not Decision.objects.exists()


def test_decision_on_another_cases_snapshot_is_400(
    clinician_client, item, snapshot, hospital, clinician
):
    other = recommendation_create(
        case=CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk"),
        actor=clinician,
    )

    response = _put(clinician_client, item, {**AGREE, "recommendation": str(other.id)})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["recommendation"]
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("codes", "path"),
    [
        (["HEPATECTOMY", "SIRT"], "plan_codes[1]"),  # not an option of this snapshot
        (["HEPATECTOMY", "HEPATECTOMY"], "plan_codes[1]"),
        ([], "plan_codes"),  # no plan at all
        (["hepatectomy"], "plan_codes[0]"),
    ],
)
def test_decision_plan_codes_must_be_the_snapshots(clinician_client, item, snapshot, codes, path):
    response = _put(clinician_client, item, {**AGREE, "plan_codes": codes})

    assert response.status_code == 400
    assert path in response.json()["errors"], response.json()
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("changes", "paths"),
    [
        ({"agreement": "modified"}, {"departure_reason", "departure_detail"}),
        ({"agreement": "disagree", "departure_reason": "comorbidity"}, {"departure_detail"}),
        ({"agreement": "modified", "departure_detail": "Why."}, {"departure_reason"}),
        ({"departure_reason": "comorbidity"}, {"departure_reason"}),
        ({"departure_detail": "Not needed."}, {"departure_detail"}),
    ],
)
def test_decision_departures_are_explained_only_when_departing(
    clinician_client, item, snapshot, changes, paths
):
    response = _put(clinician_client, item, {**AGREE, **changes})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == paths
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"agreement": "agree", "plan_codes": ["HEPATECTOMY"]}, "intent"),
        ({**AGREE, "intent": "maybe"}, "intent"),
        ({**AGREE, "agreement": None}, "agreement"),
        ({**AGREE, "plan_codes": "HEPATECTOMY"}, "plan_codes"),
        ({**AGREE, "plan_codes": [["HEPATECTOMY"]]}, "plan_codes[0]"),
        ({**AGREE, "plan_codes": ["HEPATECTOMY\x00"]}, "plan_codes[0]"),
        ({**AGREE, "plan_text": "Resect\x00"}, "plan_text"),
        ({**AGREE, "plan_text": "x" * 5001}, "plan_text"),
        ({**AGREE, "recommendation": "not-a-uuid"}, "recommendation"),
        ({**AGREE, "recommendation": 5}, "recommendation"),
        ({**AGREE, "recommendation": True}, "recommendation"),
        ({**AGREE, "revision": True}, "revision"),
        ({**AGREE, "revision": 1.5}, "revision"),
        ({**AGREE, "revision": 0}, "revision"),
        ({**AGREE, "revision": 10**30}, "revision"),
        ({**AGREE, "departure_reason": "bogus"}, "departure_reason"),
        ({**AGREE, "quorate": True}, "quorate"),  # set by the server, never by the client
        (["HEPATECTOMY"], ""),
    ],
)
def test_decision_malformed_body_is_400(clinician_client, item, snapshot, body, path):
    response = _put(clinician_client, item, body)

    assert response.status_code == 400
    assert path in response.json()["errors"], response.json()
    assert not Decision.objects.exists()


def test_decision_body_that_is_not_json_is_400(clinician_client, item, snapshot):
    response = clinician_client.put(
        _url("decision", item), "{not json", content_type="application/json"
    )

    assert response.status_code == 400


def test_decision_before_the_meeting_starts_is_409(clinician_client, item, snapshot):
    Meeting.objects.filter(pk=item.meeting_id).update(status="scheduled")

    response = _put(clinician_client, item, AGREE)

    assert response.status_code == 409
    assert "not started" in response.json()["message"]
    assert not Decision.objects.exists()


def test_decision_put_after_sign_off_points_to_amendment(clinician_client, chair, item, snapshot):
    recorded = _put(clinician_client, item, AGREE)
    meeting_sign_off(meeting=item.meeting, actor=chair)

    response = _put(clinician_client, item, {**AGREE, "plan_text": "x"}, if_match=recorded["ETag"])

    assert response.status_code == 409
    body = response.json()
    assert "signed off" in body["message"] and "amendment" in body["message"]
    assert "amend" in body["errors"][""][0]
    assert Decision.objects.get(agenda_item=item).plan_text == ""


def test_decision_on_a_moved_case_is_409(clinician_client, item, snapshot, hospital):
    later = MeetingFactory(hospital=hospital)
    AgendaItem.objects.filter(pk=item.pk).update(moved_to=later)

    response = _put(clinician_client, item, AGREE)

    assert response.status_code == 409
    assert "moved" in response.json()["message"]
    assert not Decision.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_decision_is_recorded_by_clinicians_only(client_for, make_user, item, snapshot, role):
    response = _put(client_for(make_user(role)), item, AGREE)

    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_decision_of_another_hospitals_meeting_is_404(
    client_for, make_user, other_hospital, clinician_client, item, snapshot
):
    _put(clinician_client, item, AGREE)
    outsider = client_for(make_user("clinician", hospital=other_hospital))

    assert outsider.get(_url("decision", item)).status_code == 404
    assert _put(outsider, item, AGREE).status_code == 404
    assert outsider.post(_url("decision-amend", item), {}, format="json").status_code == 404
    assert Decision.objects.get().revision == 1


@pytest.mark.parametrize(
    "args", [("not-a-uuid", None), (None, "not-a-uuid"), (None, uuid.uuid4()), ("\x00", None)]
)
def test_decision_of_a_malformed_or_unknown_address_is_404(clinician_client, item, args):
    meeting_id = args[0] if args[0] is not None else item.meeting_id
    item_id = args[1] if args[1] is not None else item.id
    url = reverse("api:agenda-item-decision", args=[meeting_id, item_id])

    assert clinician_client.get(url).status_code == 404


def test_decision_reads_do_not_grow_with_versions(
    client_for, clinician, chair, item, snapshot, django_assert_max_num_queries
):
    client = client_for(clinician)
    _put(client, item, AGREE)
    meeting_sign_off(meeting=item.meeting, actor=chair)
    url = _url("decision", item)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    few_count = len(few.captured_queries)  # read now: the next requests reset the query log

    for number in range(4):
        response = client.post(
            _url("decision-amend", item),
            {**AGREE, "plan_text": f"Amended {number}", "amendment_reason": "Typo."},
            format="json",
        )
        assert response.status_code == 201

    with django_assert_max_num_queries(few_count):
        response = client.get(url)
    assert [version["version"] for version in response.json()["versions"]] == [1, 2, 3, 4, 5]


# --- standard of care ---------------------------------------------------------------------------


def test_standard_of_care_lists_the_primary_recommendation(
    chair_client, chair, item, snapshot, make_user
):
    _attend(item.meeting, make_user, "liver_surgeon", "medical_oncologist", "radiologist")

    response = chair_client.post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["ETag"] == f'"{body["id"]}.1"'
    assert (body["plan_codes"], body["agreement"], body["intent"]) == (
        ["HEPATECTOMY"],
        "agree",
        "curative",
    )
    assert (body["listed_not_discussed"], body["quorate"]) == (True, True)
    assert body["flags"] == ["listed_not_discussed"]
    stored = Decision.objects.get(agenda_item=item)
    assert (stored.recommendation_id, stored.recorded_by) == (snapshot.id, chair)
    assert stored.history.get().history_user == chair
    item.refresh_from_db()
    assert item.inform_patient_by == datetime.date(2030, 1, 10)


def test_standard_of_care_before_the_meeting_starts_without_quorum(chair_client, item, snapshot):
    Meeting.objects.filter(pk=item.meeting_id).update(status="scheduled")

    response = chair_client.post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["flags"] == ["recorded_without_quorum", "listed_not_discussed"]


@pytest.mark.parametrize("who", ["clinician", "coordinator"])
def test_standard_of_care_only_by_the_chair(
    client_for, clinician, coordinator, item, snapshot, who
):
    user = {"clinician": clinician, "coordinator": coordinator}[who]

    response = client_for(user).post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )

    assert response.status_code == 403
    assert "chair" in response.json()["message"]
    assert not Decision.objects.exists()


def test_standard_of_care_viewer_is_403(client_for, viewer, meeting, item, snapshot):
    Meeting.objects.filter(pk=meeting.pk).update(chair=viewer)

    response = client_for(viewer).post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )

    assert response.status_code == 403


def test_standard_of_care_on_a_stale_recommendation_is_409(
    chair_client, coordinator_client, item, snapshot
):
    coordinator_client.put(
        reverse("api:case-facts", args=[item.case_id]),
        example("resectable-after-four-cycles"),
        format="json",
    )

    response = chair_client.post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )

    assert response.status_code == 409
    assert "facts changed" in response.json()["message"]  # in words, not the code
    assert not Decision.objects.exists()


def test_standard_of_care_with_work_up_outstanding_is_409(
    chair_client, meeting, hospital, coordinator, clinician
):
    case = CaseFactory(patient__hospital=hospital, facts=WORKUP_EXAMPLE)
    recommendation_create(case=case, actor=clinician)
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)

    response = chair_client.post(
        _url("standard-of-care", item), {"intent": "palliative"}, format="json"
    )

    assert response.status_code == 409
    # In words, not codes: the page shows this message as it is.
    assert response.json()["errors"] == {
        "recommendation.workup": ["Still to obtain: RAS, BRAF and MSI testing."]
    }
    assert not Decision.objects.exists()


def test_standard_of_care_without_a_recommendation_is_409(chair_client, item):
    response = chair_client.post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )

    assert response.status_code == 409
    assert "make a recommendation first" in response.json()["message"]


def test_standard_of_care_when_a_decision_exists_is_409(
    chair_client, clinician_client, item, snapshot
):
    _put(clinician_client, item, {**AGREE, "plan_text": "Discussed."})

    response = chair_client.post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )

    assert response.status_code == 409
    assert Decision.objects.get().listed_not_discussed is False


def test_standard_of_care_after_sign_off_is_409(chair_client, chair, item, snapshot):
    # An undecided case blocks sign-off unless it moved to a later meeting.
    later = MeetingFactory(hospital=item.meeting.hospital)
    AgendaItem.objects.filter(pk=item.pk).update(moved_to=later)
    meeting_sign_off(meeting=item.meeting, actor=chair)

    response = chair_client.post(
        _url("standard-of-care", item), {"intent": "curative"}, format="json"
    )

    assert response.status_code == 409
    assert "signed off" in response.json()["message"]


@pytest.mark.parametrize(
    "body", [{}, {"intent": "cure"}, {"intent": 1}, {"intent": "curative\x00"}]
)
def test_standard_of_care_malformed_body_is_400(chair_client, item, snapshot, body):
    response = chair_client.post(_url("standard-of-care", item), body, format="json")

    assert response.status_code == 400
    assert "intent" in response.json()["errors"]


# --- amendment ----------------------------------------------------------------------------------


@pytest.fixture
def signed(clinician_client, chair, item, snapshot):
    """The item's decision recorded and signed off with the meeting."""
    _put(clinician_client, item, {**AGREE, "plan_text": "As signed."})
    meeting_sign_off(meeting=item.meeting, actor=chair)
    return Decision.objects.get(agenda_item=item)


def test_decision_amend_adds_a_final_version_and_keeps_the_signed_one(
    client_for, make_user, item, signed
):
    surgeon = make_user("clinician", specialty="liver_surgeon")
    client = client_for(surgeon)

    response = client.post(
        _url("decision-amend", item),
        {
            "intent": "curative",
            "agreement": "modified",
            "plan_codes": ["HEPATECTOMY"],
            "plan_text": "Laparoscopic.",
            "departure_reason": "new_information",
            "departure_detail": "New MRI.",
            "amendment_reason": "Imaging reviewed after the meeting.",
        },
        format="json",
        headers={"If-Match": f'"{signed.id}.1"'},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["version"], body["recorded_by"]) == (2, surgeon.username)
    assert body["amendment_reason"] == "Imaging reviewed after the meeting."
    assert body["signed_off_at"] is not None
    assert response["ETag"] == f'"{body["id"]}.1"'
    before = Decision.objects.get(pk=signed.pk)
    assert (before.plan_text, before.signed_off_at, before.revision) == (
        "As signed.",
        signed.signed_off_at,
        1,
    )
    amended = Decision.objects.get(agenda_item=item, version=2)
    assert amended.history.get().history_user == surgeon
    listed = client.get(_url("decision", item)).json()
    assert [v["version"] for v in listed["versions"]] == [1, 2]
    assert listed["current"]["id"] == body["id"]
    assert listed["versions"][0]["plan_text"] == "As signed."


@pytest.mark.parametrize("quorate", [True, False])
def test_decision_amend_keeps_the_quorum_of_the_decision_it_amends(
    clinician_client, item, signed, make_user, quorate
):
    # Amended after the meeting: attendance since then says nothing of the board that decided.
    Decision.objects.filter(pk=signed.pk).update(quorate=quorate)
    _attend(item.meeting, make_user, "liver_surgeon", "medical_oncologist", "radiologist")

    response = clinician_client.post(
        _url("decision-amend", item), {**AGREE, "amendment_reason": "Wording."}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["quorate"] is quorate


def test_decision_amend_with_a_stale_if_match_is_412(clinician_client, item, signed):
    first = clinician_client.post(
        _url("decision-amend", item), {**AGREE, "amendment_reason": "One."}, format="json"
    )
    assert first.status_code == 201

    response = clinician_client.post(
        _url("decision-amend", item),
        {**AGREE, "amendment_reason": "Two."},
        format="json",
        headers={"If-Match": f'"{signed.id}.1"'},
    )

    assert response.status_code == 412
    assert Decision.objects.filter(agenda_item=item).count() == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_decision_amend_needs_a_reason(clinician_client, item, signed, reason):
    response = clinician_client.post(
        _url("decision-amend", item), {**AGREE, "amendment_reason": reason}, format="json"
    )

    assert response.status_code == 400
    assert "amendment_reason" in response.json()["errors"]
    assert Decision.objects.filter(agenda_item=item).count() == 1


def test_decision_amend_checks_the_body_as_put_does(clinician_client, item, signed):
    response = clinician_client.post(
        _url("decision-amend", item),
        {**AGREE, "plan_codes": ["SIRT"], "amendment_reason": "x"},
        format="json",
    )

    assert response.status_code == 400
    assert "plan_codes[0]" in response.json()["errors"]


def test_decision_amend_before_sign_off_is_409(clinician_client, item, snapshot):
    _put(clinician_client, item, AGREE)

    response = clinician_client.post(
        _url("decision-amend", item), {**AGREE, "amendment_reason": "x"}, format="json"
    )

    assert response.status_code == 409
    assert "edit the draft" in response.json()["message"]
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_decision_amend_by_clinicians_only(client_for, make_user, item, signed, role):
    response = client_for(make_user(role)).post(
        _url("decision-amend", item), {**AGREE, "amendment_reason": "x"}, format="json"
    )

    assert response.status_code == 403
    assert Decision.objects.count() == 1
