"""The records the checklist reads beside the facts: the performance status's date and the
confirmed histology, through the intake form and the case API (audited, checked)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.casefacts.selectors import case_facts
from tests.factories import CaseFactory
from tests.workspace.test_case_pages import intake_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(hospital):
    return CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")


def test_intake_edit_records_the_assessment_date_and_histology(client, coordinator, case):
    client.force_login(coordinator)
    facts_before = case_facts(case=case)
    assessed = timezone.localdate() - datetime.timedelta(days=3)
    data = intake_data(
        facts_before,
        **{
            "editing_case": str(case.id),
            "referral.referred_on": case.referred_on.isoformat(),
            "performance.assessed_on": assessed.isoformat(),
            "histology.confirmed": "on",
        },
    )
    response = client.post(reverse("workspace:case-edit", args=[case.id]), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    case.refresh_from_db()
    assert case.performance_status.assessed_on == assessed
    assert case.primary_tumour.histology_confirmed is True
    assert case_facts(case=case) == facts_before  # not part of the pathway input
    assert case.primary_tumour.history.first().history_user == coordinator
    form = client.get(reverse("workspace:case-edit", args=[case.id])).content.decode()
    assert f'value="{assessed.isoformat()}"' in form


def test_intake_refuses_an_assessment_in_the_future(client, coordinator, case):
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = intake_data(
        case_facts(case=case),
        **{
            "editing_case": str(case.id),
            "referral.referred_on": case.referred_on.isoformat(),
            "performance.assessed_on": tomorrow.isoformat(),
        },
    )
    response = client.post(reverse("workspace:case-edit", args=[case.id]), data)
    assert response.status_code == 400
    assert "Cannot be in the future." in response.content.decode()


def test_api_patch_and_read_the_readiness_records(coordinator_client, case):
    url = reverse("api:case-detail", args=[case.id])
    response = coordinator_client.patch(
        url, {"performance_assessed_on": "2026-01-02", "histology_confirmed": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = coordinator_client.get(url).json()
    assert body["performance_assessed_on"] == "2026-01-02"
    assert body["histology_confirmed"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"performance_assessed_on": "2999-01-01"}, "performance_assessed_on"),
        ({"performance_assessed_on": "soon"}, "performance_assessed_on"),
        ({"histology_confirmed": "yes"}, "histology_confirmed"),
        ({"performance_assessed_on": "1900-01-01"}, "performance_assessed_on"),
    ],
)
def test_api_patch_refuses_bad_values_with_400(coordinator_client, case, body, field):
    response = coordinator_client.patch(
        reverse("api:case-detail", args=[case.id]), body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_api_patch_before_any_facts_is_400(coordinator_client, hospital):
    bare = CaseFactory(patient__hospital=hospital)
    response = coordinator_client.patch(
        reverse("api:case-detail", args=[bare.id]), {"histology_confirmed": True}, format="json"
    )
    assert response.status_code == 400
    assert "histology_confirmed" in response.json()["errors"]
