"""The board's day in a real browser: a coordinator enters a case and puts it on the meeting; the
chairing liver surgeon records the decision, signs the meeting off and asks for the summary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.words import words
from apps.meetings.models import Decision
from tests.browser.conftest import log_in, screenshot, unlabelled_fields
from tests.browser.test_case_intake import enter_case
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = "ecog3-fit-resectable-operates"  # a crlm-2027.1 example: hepatectomy


@pytest.fixture
def surgeon(make_user):
    return make_user(
        "clinician", specialty="liver_surgeon", first_name="Fictional", last_name="Surgeon"
    )


@pytest.fixture
def board(make_user):
    """The oncologist and radiologist who make the meeting quorate with the surgeon."""
    return [
        make_user("clinician", specialty="medical_oncologist"),
        make_user("clinician", specialty="radiologist"),
    ]


@pytest.fixture
def meeting(hospital, surgeon):
    return MeetingFactory(
        hospital=hospital,
        chair=surgeon,
        status="scheduled",
        scheduled_for=timezone.now() + datetime.timedelta(days=1),
        title="Liver MDT",
    )


def _add_attendee(page, user) -> None:
    page.get_by_label("Colleague").select_option(user.get_username())
    page.get_by_role("button", name="Add colleague").click()
    page.locator("#attendance li", has_text=user.get_full_name()).wait_for()


def test_case_entered_added_to_a_meeting_decided_signed_off_and_summarised(
    new_page, coordinator, surgeon, board, meeting
):
    # The coordinator enters the case and puts it on tomorrow's meeting.
    page = new_page()
    log_in(page, coordinator)
    expected = enter_case(page, EXAMPLE, "FLOW-1")
    page.get_by_role("button", name="Create case").click()
    page.get_by_role("link", name="Add to a meeting").click()
    assert unlabelled_fields(page) == []
    page.get_by_role("button", name="Add to meeting").click()
    page.wait_for_url(f"**{reverse('meetings:meeting-detail', args=[meeting.id])}**")
    assert "FLOW-1" in page.locator("#agenda").inner_text()
    # Entered without its imaging dates and histology: added, with what is missing said.
    assert "is not ready" in page.locator("#added-not-ready").inner_text()

    # Attendance, with the quorum badge following each change in place.
    assert "quorum: no" in page.get_by_test_id("quorum").inner_text().lower()
    for person in [surgeon, *board]:
        _add_attendee(page, person)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=quorum]').innerText.toLowerCase()"
        ".startsWith('quorum: yes')"
    )
    # Tomorrow's meeting started today: said before, and confirmed.
    assert "tomorrow" in page.locator("#start-warning").inner_text()
    page.get_by_label("Start it now all the same").check()
    page.get_by_role("button", name="Start meeting early").click()
    page.get_by_text("In progress").first.wait_for()
    screenshot(page, "meeting-detail")

    # The chairing surgeon reviews the case and records the decision.
    surgeon_page = new_page()
    log_in(surgeon_page, surgeon)
    surgeon_page.goto(reverse("meetings:meeting-detail", args=[meeting.id]))
    surgeon_page.locator("#agenda").get_by_role("link").first.click()
    assert (
        surgeon_page.get_by_test_id("primary-recommendation").get_attribute("data-code")
        == (expected["primary"])
    )
    assert unlabelled_fields(surgeon_page) == []
    form = surgeon_page.locator("#decision-form")
    form.get_by_label(words(expected["primary"]), exact=False).first.check()
    form.get_by_label("Curative").check()
    form.get_by_label("Agrees with the recommendation").check()
    form.get_by_role("button", name="Record decision").click()
    decision = surgeon_page.get_by_test_id("decision")
    decision.wait_for()
    assert "Agrees with the recommendation" in decision.inner_text()
    assert words(expected["primary"]) in decision.inner_text()
    recorded = Decision.objects.get()
    assert recorded.recorded_by == surgeon and recorded.plan_codes == [expected["primary"]]
    screenshot(surgeon_page, "item-review")

    # Sign-off by the chair, then the printable summary: its progress, then the PDF's link.
    surgeon_page.goto(reverse("meetings:meeting-detail", args=[meeting.id]))
    surgeon_page.get_by_label("I have checked every decision").check()
    surgeon_page.get_by_role("button", name="Sign off").click()
    surgeon_page.get_by_text("Signed off").first.wait_for()
    surgeon_page.get_by_role("button", name="Printable summary").click()
    link = surgeon_page.locator("#summary-download")
    link.wait_for(timeout=30_000)
    response = surgeon_page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    screenshot(surgeon_page, "meeting-signed-off-with-summary")

    surgeon_page.goto(reverse("meetings:case-history", args=[recorded.agenda_item.case_id]))
    assert "Liver MDT" in surgeon_page.locator("main").inner_text()
    screenshot(surgeon_page, "case-history")

    surgeon_page.goto(reverse("home"))
    screenshot(surgeon_page, "dashboard-surgeon")
    surgeon_page.get_by_role("link", name="Meetings", exact=True).click()
    screenshot(surgeon_page, "meeting-list")

    # Readable on a small laptop and on a projector: no page scrolls sideways.
    pages = [
        reverse("home"),
        reverse("workspace:case-list"),
        reverse("workspace:case-new"),
        reverse("workspace:case-detail", args=[recorded.agenda_item.case_id]),
        reverse("meetings:meeting-list"),
        reverse("meetings:meeting-detail", args=[meeting.id]),
        reverse("meetings:item-review", args=[meeting.id, recorded.agenda_item_id]),
        reverse("meetings:case-history", args=[recorded.agenda_item.case_id]),
    ]
    for width, height in ((1280, 720), (1920, 1080)):
        screen = new_page(width=width, height=height)
        log_in(screen, coordinator)
        for address in pages:
            screen.goto(address)
            overflow = screen.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (address, width, overflow)
            if "items" in address:
                screenshot(screen, f"item-review-{width}x{height}")
