"""The nurse specialist: reads the hospital's cases, records that the patient was told and
marks actions done, and nothing else a clinician may do (no votes, decisions, facts or other
follow-up changes), enforced by the services as well as the API's and pages' role checks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.meetings.models import DecisionAction
from apps.meetings.services.decisions import (
    action_add,
    action_remove,
    action_update,
    decision_record,
    follow_up_update,
)

pytestmark = pytest.mark.django_db

PLAN = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}


@pytest.fixture
def nurse(make_user):
    return make_user("nurse_specialist", specialty="nurse_specialist")


@pytest.fixture
def decided(item, clinician):
    decision_record(item=item, actor=clinician, data=PLAN)
    return item


@pytest.fixture
def action(decided, coordinator, nurse):
    return action_add(
        item=decided,
        actor=coordinator,
        description="Give the patient the leaflet",
        owner=nurse,
        due_on=datetime.date(2030, 1, 20),
    )


def test_nurse_marks_an_action_done_but_changes_nothing_else(action, nurse):
    with pytest.raises(ApplicationError) as refused:
        action_update(action=action, actor=nurse, data={"done": True, "due_on": action.due_on})
    assert refused.value.status == 403
    assert list(refused.value.errors) == ["due_on"]

    action_update(action=action, actor=nurse, data={"done": True})
    assert DecisionAction.objects.get(pk=action.pk).done_at is not None

    with pytest.raises(ApplicationError) as removal:
        action_remove(action=action, actor=nurse)
    assert removal.value.status == 403
    assert DecisionAction.objects.filter(pk=action.pk).exists()


def test_nurse_records_the_patient_told_but_not_who_or_by_when(decided, nurse, coordinator):
    with pytest.raises(ApplicationError) as refused:
        follow_up_update(item=decided, actor=nurse, data={"patient_informer": coordinator})
    assert refused.value.status == 403
    assert list(refused.value.errors) == ["patient_informer"]

    follow_up_update(item=decided, actor=nurse, data={"patient_informed_at": timezone.now()})
    decided.refresh_from_db()
    assert decided.patient_informed_at is not None
    assert decided.history.first().history_user == nurse


def test_nurse_api_follow_up_change_beyond_told_is_403_naming_the_field(client_for, decided, nurse):
    url = reverse("api:agenda-item-follow-up", args=[decided.meeting_id, decided.id])

    response = client_for(nurse).patch(url, {"inform_patient_by": "2030-01-09"}, format="json")

    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["inform_patient_by"]


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("agenda-item-votes", {"call": "resectable"}),
        ("agenda-item-decision", PLAN),
        ("agenda-item-actions", {"description": "x", "owner": "x", "due_on": "2030-01-20"}),
    ],
)
def test_nurse_cannot_vote_decide_or_add_actions(client_for, item, nurse, name, body):
    url = reverse(f"api:{name}", args=[item.meeting_id, item.id])
    method = "put" if name == "agenda-item-decision" else "post"

    response = getattr(client_for(nurse), method)(url, body, format="json")

    assert response.status_code == 403


def test_nurse_cannot_change_case_facts(client_for, case, nurse):
    response = client_for(nurse).patch(
        reverse("api:case-detail", args=[case.id]), {"question": "Changed?"}, format="json"
    )

    assert response.status_code == 403


def test_nurse_reads_the_hospitals_cases(client_for, case, nurse):
    response = client_for(nurse).get(reverse("api:case-detail", args=[case.id]))

    assert response.status_code == 200


def test_review_page_offers_the_nurse_only_the_told_boxes_and_they_work(
    client, decided, nurse, clinician
):
    client.force_login(nurse)
    url = reverse("meetings:item-review", args=[decided.meeting_id, decided.id])
    page = client.get(url).content.decode()
    panel = page[page.index('id="follow-up"') : page.index('id="treatment"')]

    assert 'name="patient_informed"' in panel
    assert 'name="patient_informer"' not in panel
    assert 'name="inform_patient_by"' not in panel
    for button in ("decision-submit", "vote-submit", "action-add", "treatment-save"):
        assert f'id="{button}"' not in page

    response = client.post(
        reverse("meetings:item-follow-up", args=[decided.meeting_id, decided.id]),
        {"patient_informed": "on", "initial-patient_informed": ""},
    )

    assert response.status_code == 302
    decided.refresh_from_db()
    assert decided.patient_informed_at is not None
