"""One case's journey in Chromium, as its users walk it: the coordinator enters the referral and
puts it on a meeting (warned it is not ready); the chairing surgeon postpones it with a reason
and signs off, which carries it to the next meeting; there it is discussed and decided with a
re-discussion date; the treatment is recorded as not carried out, with its reason; and the
board's numbers count all of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.words import words
from apps.meetings.models import AgendaItem, TreatmentGiven
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_case_intake import enter_case
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = "ecog3-fit-resectable-operates"  # a crlm-2027.1 example: hepatectomy


def test_case_journey_from_referral_to_the_boards_numbers(
    new_page, coordinator, hospital, make_user
):
    surgeon = make_user(
        "clinician", specialty="liver_surgeon", first_name="Fictional", last_name="Chair"
    )
    # Both meetings lie in the past week or two, so that the treatment has started by today.
    now = timezone.now() - datetime.timedelta(days=14)
    first = MeetingFactory(
        hospital=hospital, chair=surgeon, status="in_progress", scheduled_for=now, title="Liver MDT"
    )

    # Referral: the intake form, then onto today's meeting, warned that it is not ready.
    page = new_page()
    log_in(page, coordinator)
    expected = enter_case(page, EXAMPLE, "JOURNEY-1")
    page.get_by_role("button", name="Create case").click()
    page.get_by_role("link", name="Add to a meeting").click()
    page.get_by_role("button", name="Add to meeting").click()
    page.wait_for_url(f"**{reverse('meetings:meeting-detail', args=[first.id])}**")
    assert "is not ready" in page.locator("#added-not-ready").inner_text()
    screenshot(page, "journey-1-added-not-ready")

    # The chair postpones it: the imaging is not ready.
    chair = new_page()
    log_in(chair, surgeon)
    chair.goto(reverse("meetings:meeting-detail", args=[first.pk]))
    chair.locator("details.postpone summary").click()
    chair.get_by_label("Reason").select_option(label="Imaging not ready")
    chair.get_by_role("button", name="Postpone to the next meeting").click()
    chair.get_by_test_id("postponed").wait_for()

    # The next meeting exists; sign-off carries the case there.
    following = MeetingFactory(
        hospital=hospital,
        chair=surgeon,
        status="in_progress",
        scheduled_for=now + datetime.timedelta(days=7),
        title="Next liver MDT",
    )
    chair.goto(reverse("meetings:meeting-detail", args=[first.pk]))
    chair.get_by_label("I have checked every decision").check()
    chair.get_by_role("button", name="Sign off").click()
    chair.locator("#carry-over").wait_for()
    assert "carried to Next liver MDT" in chair.locator("#carry-over").inner_text()
    screenshot(chair, "journey-2-carried-over")

    # Discussed at the next meeting: decided, and asked back in twelve weeks.
    chair.goto(reverse("meetings:meeting-detail", args=[following.pk]))
    assert "Carried from Liver MDT" in chair.locator("#agenda").inner_text()
    chair.locator("#agenda").get_by_role("link").first.click()
    form = chair.locator("#decision-form")
    form.get_by_label(words(expected["primary"]), exact=False).first.check()
    form.get_by_label("Curative").check()
    form.get_by_label("Agrees with the recommendation").check()
    form.get_by_label("Or in this many weeks").fill("12")
    form.get_by_label("Why it comes back").fill("Restage after 4 cycles")
    form.get_by_role("button", name="Record decision").click()
    chair.locator("#decision-rediscussion").wait_for()
    assert "Restage after 4 cycles" in chair.locator("#decision-rediscussion").inner_text()
    screenshot(chair, "journey-3-decision-rediscussion")
    chair.goto(reverse("meetings:meeting-detail", args=[following.pk]))
    chair.get_by_label("I have checked every decision").check()
    chair.get_by_role("button", name="Sign off").click()
    chair.get_by_text("Signed off").first.wait_for()

    # The treatment given: something else was started, five days on, as the disease progressed.
    item = AgendaItem.objects.get(meeting=following)
    chair.goto(reverse("meetings:item-review", args=[following.pk, item.pk]) + "#treatment")
    panel = chair.locator("#treatment")
    panel.get_by_label("Treatment started").select_option("other")
    panel.get_by_label("The other treatment, in words").fill("Systemic chemotherapy")
    started = timezone.localdate(following.scheduled_for) + datetime.timedelta(days=5)
    panel.get_by_label("Started on").fill(started.isoformat())
    panel.get_by_label("Is it the treatment the board decided on?").select_option("no")
    panel.get_by_label("Why not (or why nothing started)").select_option("progression")
    panel.get_by_role("button", name="Save the treatment given").click()
    chair.locator("#treatment").get_by_text("Saved.").wait_for()
    record = TreatmentGiven.objects.get()
    assert (record.matches, record.reason) == ("no", "progression")
    screenshot(chair, "journey-4-treatment-not-as-decided")

    # The board's numbers, read by a clinician.
    clinician = new_page()
    log_in(clinician, make_user("clinician", specialty="medical_oncologist"))
    clinician.goto(reverse("analytics:analytics"))
    reasons = clinician.locator(
        "section", has=clinician.get_by_role("heading", name="Postponements by reason")
    ).last
    assert "Imaging not ready" in reasons.inner_text()
    rows = clinician.locator("table", has_text="Imaging not ready").last.locator(
        "tr", has_text="Imaging not ready"
    )
    assert rows.first.locator("td").first.inner_text().strip() == "1"
    carried = clinician.locator("table", has_text="No treatment recorded yet").last
    assert "Not as decided" in carried.inner_text()
    why = clinician.locator("table", has_text="Disease progression").last
    assert (
        why.locator("tr", has_text="Disease progression").locator("td").first.inner_text().strip()
        == "1"
    )
    page_text = clinician.locator("main").inner_text()
    assert "5 days" in page_text  # meeting to treatment
    screenshot(clinician, "journey-5-analytics")
