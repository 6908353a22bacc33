"""The board's numbers and the worklist in Chromium: the figures of the hand-made board of
tests/analytics/conftest.py, the charts drawn, the stages counted, and no page scrolling
sideways on a phone (390 px), a laptop or a projector."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.analytics.conftest import board  # noqa: F401 (the fixture)
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = ((390, 844), (1366, 768), (1920, 1080))
YEAR = "?from=2026-01-01&to=2026-12-31"


def _sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_analytics_page_shows_the_boards_figures(new_page, board, coordinator):  # noqa: F811
    page = new_page()
    log_in(page, coordinator)
    page.get_by_role("link", name="Analytics").first.click()
    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/analytics/?from=2026-01-01&to=2026-12-31")

    time = page.locator("#metric-time-per-case")
    assert "10 min 0 s" in time.inner_text()  # median of 300, 600 and 900 s
    referral = page.locator("#metric-referral-to-meeting")
    assert "34 days" in referral.inner_text()
    assert "36.4 days" in referral.inner_text()
    assert "33.3 %" in page.locator("#metric-discussed-first-meeting").inner_text()
    assert "75 %" in page.locator("#metric-quorum").inner_text()
    reasons = page.locator("#metric-departure-reasons")
    assert reasons.locator("svg.bar-chart").is_visible()
    assert reasons.get_by_role("row", name="Comorbidity").is_visible()
    months = page.locator("#metric-cases-per-month svg.bar-chart rect")
    assert months.count() > 12  # two bars a month, with the legend
    csv_link = page.locator("#metric-concordance a.csv-link")
    assert "from=2026-01-01" in csv_link.get_attribute("href")
    screenshot(page, "analytics-laptop")


def test_worklist_shows_cases_by_stage(new_page, board, viewer):  # noqa: F811
    page = new_page()
    log_in(page, viewer)
    page.get_by_role("link", name="Worklist").first.click()
    # A, B and C were discussed; each is discussed, treatment started or in follow-up by now
    # (follow-up counts from the treatment's start, so which one depends on today's date).
    after_discussion = sum(
        int(page.locator(f"#stage-{stage} .stage-number").inner_text())
        for stage in ("discussed", "treatment_started", "follow_up")
    )
    assert after_discussion == 3
    assert page.locator("#stage-discussed .stage-number").inner_text() != "0"  # C
    assert page.locator("#stage-referred .stage-number").inner_text() == "1"  # E
    assert page.locator("#stage-on_agenda .stage-number").inner_text() == "1"  # D, carried to M4
    family = board.cases.e.patient.family_name.upper()
    assert family in page.locator("#column-referred").inner_text()
    page.locator("#stage-referred").click()
    assert page.get_by_role("heading", name="Referred: oldest in the stage first").is_visible()
    rows = page.locator(".worklist-table tbody tr")
    assert rows.count() == 1
    assert family in rows.nth(0).inner_text()
    screenshot(page, "worklist-stage-laptop")


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_analytics_and_worklist_fit_every_screen(new_page, board, coordinator, width, height):  # noqa: F811
    page = new_page(width=width, height=height)
    log_in(page, coordinator)
    for name, url in (
        ("analytics", reverse("analytics:analytics") + YEAR),
        ("worklist", reverse("analytics:worklist")),
        ("worklist-stage", reverse("analytics:worklist") + "?stage=discussed"),
    ):
        page.goto(url)
        assert _sideways(page) <= 0, f"{name} scrolls sideways at {width} px"
        screenshot(page, f"{name}-{width}")
