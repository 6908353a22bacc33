"""The treatment actually given after a signed decision: what was started (a plan code or
another treatment), when, whether it is what the board decided and, when not, why; the days
from the meeting to treatment; the API, the review page's form and the case page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import TreatmentGiven
from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import decision_record
from apps.meetings.services.sign_off import meeting_sign_off
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PLAN = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}
DAYS_AGO = 10


@pytest.fixture
def meeting(hospital, chair):
    """A meeting of `hospital` held ten days ago, still in progress (signed off by `signed`):
    a treatment may have started since."""
    held = timezone.now() - datetime.timedelta(days=DAYS_AGO)
    return MeetingFactory(hospital=hospital, status="in_progress", chair=chair, scheduled_for=held)


@pytest.fixture
def signed(item, chair, clinician):
    decision_record(item=item, actor=clinician, data=PLAN)
    meeting_sign_off(meeting=item.meeting, actor=chair)
    return item


def _url(item):
    return reverse("api:agenda-item-treatment", args=[item.meeting_id, item.id])


def _day(days_after_meeting):
    return str(timezone.localdate() - datetime.timedelta(days=DAYS_AGO - days_after_meeting))


def test_treatment_as_decided_is_recorded_with_days_from_meeting(coordinator_client, signed):
    response = coordinator_client.put(
        _url(signed),
        {"treatment_code": "HEPATECTOMY", "started_on": _day(3), "matches": "yes"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["days_from_meeting"] == 3
    assert body["treatment_title"] == "Liver resection"
    assert (body["started"], body["matches"], body["reason"]) == (True, "yes", "")
    assert body["decision_version"] == 1
    assert coordinator_client.get(_url(signed)).json()["id"] == body["id"]


def test_nothing_started_is_recorded_with_its_reason(clinician_client, signed):
    response = clinician_client.put(
        _url(signed), {"started": False, "reason": "died"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["started"], body["matches"], body["reason"]) == (False, "no", "died")
    assert body["started_on"] is None and body["days_from_meeting"] is None
    assert body["treatment_title"] == "No treatment started"


def test_other_treatment_partly_as_decided_needs_words(clinician_client, signed):
    response = clinician_client.put(
        _url(signed),
        {
            "treatment_code": "other",
            "treatment_other": "Ablation of the lesion",
            "started_on": _day(0),
            "matches": "partly",
            "reason": "other",
            "reason_detail": "Theatre list unavailable for a month.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["treatment_title"] == "Ablation of the lesion"
    assert response.json()["days_from_meeting"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"treatment_code": "HEPATECTOMY", "started_on": "x", "matches": "yes"}, "started_on"),
        ({"treatment_code": "HEPATECTOMY", "started_on": _day(-1), "matches": "yes"}, "started_on"),
        ({"treatment_code": "HEPATECTOMY", "started_on": _day(11), "matches": "yes"}, "started_on"),
        (
            {"treatment_code": "RADIOTHERAPY", "started_on": _day(1), "matches": "no"},
            "treatment_code",
        ),
        ({"treatment_code": "other", "started_on": _day(1), "matches": "yes"}, "treatment_other"),
        ({"treatment_code": "HEPATECTOMY", "started_on": _day(1), "matches": "partly"}, "reason"),
        (
            {
                "treatment_code": "HEPATECTOMY",
                "started_on": _day(1),
                "matches": "no",
                "reason": "other",
            },
            "reason_detail",
        ),
        (
            {
                "treatment_code": "HEPATECTOMY",
                "started_on": _day(1),
                "matches": "yes",
                "reason": "toxicity",
            },
            "reason",
        ),
        ({"treatment_code": "HEPATECTOMY", "started_on": _day(1)}, "matches"),
        ({"started": False}, "reason"),
        ({"started": False, "reason": "died", "started_on": _day(1)}, "started_on"),
        ({"started": False, "reason": "died", "matches": "yes"}, "matches"),
        ({"started": "no", "reason": "died"}, "started"),
        ({"matches": "maybe"}, "matches"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(coordinator_client, signed, body, field):
    response = coordinator_client.put(_url(signed), body, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert not TreatmentGiven.objects.exists()


def test_before_sign_off_it_is_refused(coordinator_client, item, clinician):
    decision_record(item=item, actor=clinician, data=PLAN)
    response = coordinator_client.put(
        _url(item),
        {"treatment_code": "HEPATECTOMY", "started_on": _day(1), "matches": "yes"},
        format="json",
    )

    assert response.status_code == 409
    assert "signed off" in response.json()["message"]


def test_a_correction_keeps_the_earlier_record_in_history(
    coordinator_client, clinician_client, signed, coordinator, clinician
):
    first = coordinator_client.put(
        _url(signed),
        {"treatment_code": "HEPATECTOMY", "started_on": _day(2), "matches": "yes"},
        format="json",
    )
    second = clinician_client.put(
        _url(signed),
        {
            "treatment_code": "HEPATECTOMY",
            "started_on": _day(4),
            "matches": "partly",
            "reason": "change_in_condition",
        },
        format="json",
    )

    assert (first.status_code, second.status_code) == (201, 200)
    record = TreatmentGiven.objects.get()
    states = list(record.history.order_by("history_date"))
    assert [state.matches for state in states] == ["yes", "partly"]
    assert [state.history_user for state in states] == [coordinator, clinician]
    assert record.recorded_by == clinician
    assert second.json()["days_from_meeting"] == 4


def test_the_same_record_saved_again_adds_no_history(coordinator_client, signed):
    body = {"treatment_code": "HEPATECTOMY", "started_on": _day(2), "matches": "yes"}
    coordinator_client.put(_url(signed), body, format="json")
    coordinator_client.put(_url(signed), body, format="json")

    assert TreatmentGiven.history.count() == 1


def test_get_without_record_is_a_404_with_a_message(coordinator_client, signed):
    response = coordinator_client.get(_url(signed))

    assert response.status_code == 404
    assert "No treatment" in response.json()["message"]


@pytest.mark.parametrize("role", ["viewer", "nurse_specialist"])
def test_viewers_and_nurses_may_read_but_not_record(make_user, client_for, signed, role):
    client = client_for(make_user(role))
    response = client.put(
        _url(signed),
        {"treatment_code": "HEPATECTOMY", "started_on": _day(1), "matches": "yes"},
        format="json",
    )

    assert response.status_code == 403
    assert client.get(_url(signed)).status_code == 404  # readable: none recorded yet
    assert not TreatmentGiven.objects.exists()


def test_another_hospital_finds_nothing(make_user, client_for, other_hospital, signed):
    stranger = client_for(make_user("coordinator", hospital=other_hospital))
    body = {"treatment_code": "HEPATECTOMY", "started_on": _day(1), "matches": "yes"}

    assert stranger.put(_url(signed), body, format="json").status_code == 404
    assert stranger.get(_url(signed)).status_code == 404
    assert not TreatmentGiven.objects.exists()


def test_the_endpoint_is_in_the_schema(coordinator_client):
    schema = coordinator_client.get(reverse("api-schema"), {"format": "json"}).json()
    path = "/api/v1/meetings/{meeting_id}/agenda/{item_id}/treatment/"

    assert set(schema["paths"][path]) >= {"get", "put"}


# --- the pages -----------------------------------------------------------------------------------


def _page_url(item):
    return reverse("meetings:item-treatment", args=[item.meeting_id, item.id])


def test_review_form_without_javascript_records_and_the_case_page_shows_it(
    client, coordinator, signed
):
    client.force_login(coordinator)
    response = client.post(
        _page_url(signed),
        {"nothing_started": "on", "reason": "patient_choice", "as_decided": ""},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#treatment")
    record = TreatmentGiven.objects.get()
    assert (record.started, record.matches, record.reason) == (False, "no", "patient_choice")
    page = client.get(reverse("workspace:case-detail", args=[signed.case_id])).content.decode()
    section = page[page.index('id="case-treatment-given"') :]
    assert "No treatment started" in section
    assert "Not as decided" in section
    assert "Patient choice" in section


def test_review_form_for_htmx_answers_its_panel_with_errors(client, coordinator, signed):
    client.force_login(coordinator)
    response = client.post(
        _page_url(signed),
        {"treatment_code": "HEPATECTOMY", "started_on": _day(-2), "as_decided": "yes"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="treatment"')
    assert "before the meeting" in html
    assert not TreatmentGiven.objects.exists()


def test_review_page_offers_the_plan_in_words_and_shows_the_days(client, coordinator, signed):
    TreatmentGiven.objects.create(
        agenda_item=signed,
        decision=signed.decisions.get(),
        treatment_code="HEPATECTOMY",
        started_on=timezone.localdate() - datetime.timedelta(days=DAYS_AGO - 5),
        matches="yes",
        recorded_by=coordinator,
    )
    client.force_login(coordinator)
    page = client.get(
        reverse("meetings:item-review", args=[signed.meeting_id, signed.id])
    ).content.decode()
    section = page[page.index('id="treatment"') :]

    assert '<option value="HEPATECTOMY" selected>Liver resection</option>' in section
    assert "5 days after the meeting" in section


def test_viewer_cannot_post_the_form(client, viewer, signed):
    client.force_login(viewer)
    response = client.post(_page_url(signed), {"nothing_started": "on", "reason": "died"})

    assert response.status_code == 403
    assert not TreatmentGiven.objects.exists()


def test_moved_agenda_case_is_refused(coordinator_client, hospital, coordinator, chair, case):
    """A decision signed at another meeting of the case does not open this item's record."""
    later = MeetingFactory(hospital=hospital, status="scheduled", chair=chair)
    item = agenda_item_add(meeting=later, case=case, actor=coordinator)
    response = coordinator_client.put(
        _url(item), {"started": False, "reason": "died"}, format="json"
    )

    assert response.status_code == 409
