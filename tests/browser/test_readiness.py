"""Readiness in a real browser: a coordinator puts a case that is not ready on the agenda and
is told what is missing; the agenda row and the case page say it too, on a laptop and a phone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.recommendations.services import recommendation_create
from tests.browser.conftest import log_in, screenshot
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_adding_a_case_that_is_not_ready_warns(new_page, coordinator, hospital, make_user):
    meeting = MeetingFactory(
        hospital=hospital,
        chair=make_user("clinician", specialty="liver_surgeon"),
        status="scheduled",
        scheduled_for=timezone.now() + datetime.timedelta(days=3),
        title="Liver MDT",
    )
    case = CaseFactory(
        patient__hospital=hospital,
        patient__family_name="Notready",
        facts="solitary-metachronous-low-risk",
    )
    recommendation_create(case=case, actor=coordinator)

    page = new_page()
    log_in(page, coordinator)
    page.goto(reverse("meetings:meeting-detail", args=[meeting.id]))
    page.get_by_label("Case").select_option(str(case.pk))
    page.get_by_role("button", name="Add to meeting").click()
    warning = page.locator("#added-not-ready")
    warning.wait_for()
    text = warning.inner_text()
    assert "NOTREADY" in text and "is not ready" in text
    assert "Liver MRI: no study recorded" in text
    assert "Histology confirmed: not confirmed" in text
    row = page.locator("#agenda tbody tr", has_text="NOTREADY")
    assert "Not ready" in row.inner_text()
    screenshot(page, "agenda-added-not-ready")
    assert meeting.agenda_items.get().added_not_ready

    # The case page lists the checklist against the meeting's date; it fits a phone.
    phone = new_page(width=390, height=844)
    log_in(phone, coordinator)
    phone.goto(reverse("workspace:case-detail", args=[case.id]))
    checklist = phone.locator("#readiness")
    assert "Not ready" in checklist.inner_text()
    assert "For Liver MDT on" in checklist.inner_text()
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "case-readiness-phone")
    phone.goto(reverse("meetings:meeting-detail", args=[meeting.id]))
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "agenda-readiness-phone")
