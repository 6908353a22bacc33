"""Meetings and decisions are read-only in the admin, their history pages included: the signed
record changes only through the services (by amendment)."""

import pytest
from django.urls import reverse

from apps.meetings.models import Decision, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="x-Root-12345")
    client.force_login(superuser)
    return client


@pytest.fixture
def signed_decision(hospital, chair, item, case):
    meeting = item.meeting
    decision = Decision.objects.create(
        agenda_item=item,
        recommendation=case.recommendations.get(),
        plan_codes=[case.recommendations.get().primary_code],
        intent="curative",
        agreement="agree",
        quorate=True,
        recorded_by=chair,
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        status="closed", signed_off_at=meeting.scheduled_for
    )
    Decision.objects.filter(pk=decision.pk).update(signed_off_at=meeting.scheduled_for)
    return decision


def test_admin_reverting_a_signed_decision_from_its_history_is_forbidden(
    admin_client, signed_decision
):
    version = signed_decision.history.earliest()
    url = reverse(
        "admin:meetings_decision_simple_history",
        args=[signed_decision.pk, version.history_id],
    )

    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"agreement": "disagree", "intent": "palliative"})

    assert response.status_code == 403
    assert Decision.objects.get(pk=signed_decision.pk).signed_off_at is not None


@pytest.mark.parametrize("model", ["meeting", "decision"])
def test_admin_change_pages_do_not_save(admin_client, signed_decision, model):
    target = signed_decision if model == "decision" else signed_decision.agenda_item.meeting
    url = reverse(f"admin:meetings_{model}_change", args=[target.pk])

    admin_client.post(url, {"status": "in_progress", "agreement": "disagree"})

    signed_decision.refresh_from_db()
    assert signed_decision.agreement == "agree"
    assert Meeting.objects.get(pk=signed_decision.agenda_item.meeting_id).status == "closed"
