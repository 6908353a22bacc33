"""After the meeting, in Chromium: a clinician records that the decided treatment was not
carried out, with the reason, and the case page shows it; a nurse specialist marks a patient
told from My tasks in one click (htmx), and the page fits a phone."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import TreatmentGiven
from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import decision_record, follow_up_update
from apps.meetings.services.sign_off import meeting_sign_off
from apps.recommendations.services import recommendation_create
from tests.browser.conftest import log_in, screenshot, unlabelled_fields
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed(hospital, make_user, coordinator):
    """A decision (liver resection) signed at a meeting held a week ago."""
    chair = make_user("clinician", specialty="liver_surgeon", first_name="Ann", last_name="Chair")
    meeting = MeetingFactory(
        hospital=hospital,
        chair=chair,
        status="in_progress",
        scheduled_for=timezone.now() - datetime.timedelta(days=7),
    )
    case = CaseFactory(
        patient__hospital=hospital,
        patient__family_name="Fictional-Treat",
        facts="solitary-metachronous-low-risk",
    )
    recommendation_create(case=case, actor=coordinator)
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
    decision_record(
        item=item,
        actor=chair,
        data={"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]},
    )
    meeting_sign_off(meeting=meeting, actor=chair)
    return {"item": item, "chair": chair, "case": case}


def test_treatment_not_carried_out_is_recorded_and_shown_on_the_case_page(
    new_page, signed, coordinator
):
    page = new_page()
    new_page.allow("status of 400")
    log_in(page, signed["chair"])
    item = signed["item"]

    # The task leads to the form.
    page.goto(reverse("workspace:tasks"))
    page.get_by_role("link", name="Record it").click()
    page.wait_for_url(
        f"**{reverse('meetings:item-review', args=[item.meeting_id, item.pk])}#treatment"
    )
    panel = page.locator("#treatment")
    assert (
        panel.get_by_label("Treatment started")
        .locator("option", has_text="Liver resection")
        .count()
        == 1
    )

    # Nothing started, but no reason: the panel answers with the error beside the field.
    panel.get_by_label("No treatment was started").check()
    panel.get_by_role("button", name="Save the treatment given").click()
    page.locator("#treatment").get_by_text("Say why no treatment was started").wait_for()

    panel = page.locator("#treatment")
    panel.get_by_label("No treatment was started").check()
    panel.get_by_label("Why not (or why nothing started)").select_option("other")
    panel.get_by_label("The reason, in words").fill("Patient moved abroad for care.")
    panel.get_by_role("button", name="Save the treatment given").click()
    page.locator("#treatment").get_by_text("Saved.").wait_for()
    # Answered in place by htmx, not by a page load.
    assert page.url.endswith("#treatment") and "/treatment/" not in page.url
    assert unlabelled_fields(page) == []
    screenshot(page, "treatment-given-review")

    record = TreatmentGiven.objects.get()
    assert (record.started, record.matches, record.reason) == (False, "no", "other")

    page.goto(reverse("workspace:case-detail", args=[signed["case"].pk]))
    section = page.locator("#case-treatment-given")
    text = section.inner_text()
    assert "No treatment started" in text
    assert "Not as decided" in text
    assert "Other: Patient moved abroad for care." in text
    screenshot(page, "treatment-given-case-page")


def test_nurse_marks_a_patient_told_from_my_tasks(new_page, signed, make_user, coordinator):
    nurse = make_user(
        "nurse_specialist", specialty="nurse_specialist", first_name="Nia", last_name="Brook"
    )
    item = signed["item"]
    follow_up_update(item=item, actor=coordinator, data={"patient_informer": nurse})
    page = new_page(width=390, height=844)
    log_in(page, nurse)

    page.goto(reverse("workspace:tasks"))
    task = page.locator(f"#task-tell_patient-{item.pk}")
    assert "FICTIONAL-TREAT" in task.inner_text()
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "tasks-nurse-phone")

    task.get_by_role("button", name="Patient told").click()
    page.get_by_text("Nothing is waiting on you").wait_for()
    assert page.url.endswith(reverse("workspace:tasks"))  # answered in place by htmx

    item.refresh_from_db()
    assert item.patient_informed_at is not None
    assert item.history.first().history_user == nurse
