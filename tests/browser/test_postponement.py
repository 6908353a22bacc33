"""Postponement and carry-over in a real browser: the chair postpones a case with its reason,
signs the meeting off, and finds the case carried to the next meeting, its reason in the case's
history (read on a phone too)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import AgendaItem
from apps.meetings.services import agenda_item_add
from apps.recommendations.services import recommendation_create
from tests.browser.conftest import log_in, screenshot
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chair(make_user):
    return make_user(
        "clinician", specialty="liver_surgeon", first_name="Fictional", last_name="Chair"
    )


def test_postponed_case_is_carried_to_the_next_meeting_with_its_reason(
    new_page, chair, coordinator, hospital
):
    now = timezone.now()
    meeting = MeetingFactory(
        hospital=hospital, chair=chair, status="in_progress", scheduled_for=now, title="Liver MDT"
    )
    following = MeetingFactory(
        hospital=hospital, scheduled_for=now + datetime.timedelta(days=7), title="Next liver MDT"
    )
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    recommendation_create(case=case, actor=coordinator)
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)

    page = new_page()
    log_in(page, chair)
    page.goto(reverse("meetings:meeting-detail", args=[meeting.pk]))
    page.locator("details.postpone summary").click()
    page.get_by_label("Reason").select_option(label="Imaging not ready")
    page.get_by_label("In words").fill("Liver MRI booked for Friday")
    page.get_by_role("button", name="Postpone to the next meeting").click()
    page.get_by_test_id("postponed").wait_for()
    agenda = page.locator("#agenda").inner_text()
    assert "Imaging not ready: Liver MRI booked for Friday" in agenda
    # The sign-off panel fetches itself again and names the reason it will carry.
    page.locator("#sign-off-carry", has_text="Imaging not ready").wait_for()
    assert "Next liver MDT" in page.locator("#sign-off-carry").inner_text()
    screenshot(page, "postponement-before-sign-off")

    page.get_by_label("I have checked every decision").check()
    page.get_by_role("button", name="Sign off").click()
    page.locator("#carry-over").wait_for()
    assert "carried to Next liver MDT" in page.locator("#carry-over").inner_text()
    carried = AgendaItem.objects.get(meeting=following, case=case)
    assert carried.carried_from_id == item.id
    screenshot(page, "postponement-after-sign-off")

    page.goto(reverse("meetings:meeting-detail", args=[following.pk]))
    assert "Carried from Liver MDT" in page.locator("#agenda").inner_text()

    phone = new_page(width=390, height=844)
    log_in(phone, chair)
    phone.goto(reverse("meetings:case-history", args=[case.pk]))
    history = phone.locator("ol.history").inner_text()
    assert "Waited: Imaging not ready (Liver MRI booked for Friday)" in history
    assert "carried to Next liver MDT" in history
    assert "Carried from Liver MDT" in history
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "postponement-case-history-phone")
