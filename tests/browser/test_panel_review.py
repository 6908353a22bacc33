"""The liver expert panel in Chromium: a surgeon of another hospital, on a tablet, opens their
queue, opens the pseudonymised case, fills the plan lesion by lesion (a resection without its
segments is refused beside the row first), submits, and reads that the review is recorded; the
pages fit a phone. Then the chair, on a laptop, reads the revealed reviews and writes the
conclusion, and the referring coordinator's case page shows it beside the pathway, on a laptop
and a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.liverpanel import services
from apps.liverpanel.models import PanelReview
from apps.recommendations.services import recommendation_create
from tests.browser.conftest import ARTIFACTS, log_in, screenshot, unlabelled_fields
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def reviewers(make_user, other_hospital):
    return [
        make_user(
            "clinician",
            specialty="liver_surgeon",
            hospital=other_hospital,
            first_name=first,
            last_name="Surgeon",
        )
        for first in ("Ada", "Ben", "Cas")
    ]


@pytest.fixture
def referral(make_user, hospital, coordinator, reviewers):
    """A four-lesion case (segments 3, 5, 7 and 8) sent to a panel whose three surgeons all
    work at the other hospital (so all three are drawn)."""
    admin = make_user("coordinator", specialty="coordinator", is_staff=True)
    panel = services.panel_save(
        actor=admin, name="Regional liver panel (fictional)", code="rlp", hospitals=[hospital]
    )
    for surgeon in reviewers:
        services.panel_member_save(panel=panel, user=surgeon, actor=admin)
    case = CaseFactory(
        patient__hospital=hospital,
        patient__family_name="Fictional-Panel",
        facts="bilobar-two-stage-primary-in-situ",
    )
    recommendation_create(case=case, actor=coordinator)
    return services.panel_referral_create(
        case=case, panel=panel, question="One stage or two?", actor=coordinator, seed=5
    )


def _section_shot(locator, name: str) -> None:
    """One section's screenshot beside the full pages (a long page shrinks it in the full one)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _no_overflow(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_reviewer_on_a_tablet_submits_a_review(new_page, referral, reviewers):
    new_page.allow("status of 400")
    reviewer = reviewers[0]
    page = new_page(**TABLET)
    log_in(page, reviewer)

    page.get_by_role("link", name="Panel reviews").click()
    card = page.get_by_role("link", name=f"Case {referral.pseudonym}")
    card.wait_for()
    screenshot(page, "panel-queue-tablet")
    card.click()
    page.wait_for_url(f"**{reverse('liverpanel:review', args=[referral.pk])}")
    assert "FICTIONAL-PANEL" not in page.content().upper()
    assert "0 of 3 reviews in" in page.locator("#round").inner_text()
    assert unlabelled_fields(page) == []

    page.get_by_label("Potentially resectable").check()
    page.get_by_label("Treatment of lesion 1").select_option("parenchyma_sparing_resection")
    page.get_by_label("Treatment of lesion 2").select_option("anatomical_resection")
    # Lesion 2's own segment (5) starts ticked: untick it to leave the resection without one.
    page.locator('[name="lesion-2-segments"][value="5"]').set_checked(False)
    page.get_by_label("Treatment of lesion 3").select_option("anatomical_resection")
    page.get_by_label("Treatment of lesion 4").select_option("ablation")
    page.get_by_label("Strategy").select_option("two_stage")
    page.get_by_label("Portal vein embolisation before resection").check()
    page.get_by_role("button", name="Submit your review").click()
    error = page.locator("#round .errorlist", has_text="Name the segments")
    error.wait_for()
    screenshot(page, "panel-review-error-tablet")
    assert not PanelReview.objects.filter(submitted_at__isnull=False).exists()

    # The form came back with what was chosen: tick the segments and submit again.
    page.locator('[name="lesion-2-segments"][value="5"]').set_checked(True)
    page.locator('[name="lesion-2-segments"][value="6"]').set_checked(True)
    page.get_by_label("Note").fill("Clear the left lobe first.")
    page.get_by_role("button", name="Submit your review").click()
    page.get_by_text("Your review is recorded").wait_for()
    round_text = page.locator("#round").inner_text()
    assert "1 of 3 reviews in" in round_text
    assert "Lesion 2 (segment 5, 40 mm): anatomical resection of segments 5 and 6" in round_text
    assert "Clear the left lobe first." in round_text
    assert page.locator("#review-form").count() == 0
    screenshot(page, "panel-review-recorded-tablet")
    review = PanelReview.objects.get(member__user=reviewer)
    assert review.category == "potentially_resectable"
    assert review.plan["strategy"] == "two_stage" and review.plan["portal_vein_embolisation"]

    phone = new_page(**PHONE)
    log_in(phone, reviewers[1])
    phone.goto(reverse("liverpanel:queue"))
    _no_overflow(phone)
    screenshot(phone, "panel-queue-phone")
    phone.goto(reverse("liverpanel:review", args=[referral.pk]))
    assert "1 of 3 reviews in" in phone.locator("#round").inner_text()
    _no_overflow(phone)
    screenshot(phone, "panel-review-form-phone")


def test_chair_concludes_and_the_case_page_shows_it(
    new_page, referral, reviewers, make_user, coordinator
):
    chair = make_user("clinician", specialty="liver_surgeon", first_name="Dee", last_name="Chair")
    services.panel_member_save(panel=referral.panel, user=chair, actor=coordinator, is_chair=True)
    plan = {
        "lesions": [
            {"lesion": 1, "treatment": "parenchyma_sparing_resection", "segments": [3]},
            {"lesion": 2, "treatment": "anatomical_resection", "segments": [5, 6]},
            {"lesion": 3, "treatment": "anatomical_resection", "segments": [7]},
            {"lesion": 4, "treatment": "ablation"},
        ],
        "strategy": "two_stage",
        "portal_vein_embolisation": True,
    }
    for surgeon in reviewers:
        services.panel_review_submit(
            referral=referral, reviewer=surgeon, category="potentially_resectable", plan=plan
        )

    # The chair, on a laptop: every review revealed beside the case, and the conclusion form.
    desk = new_page()
    log_in(desk, chair)
    desk.goto(reverse("liverpanel:review", args=[referral.pk]))
    assert "Ada Surgeon" in desk.locator("#round").inner_text()
    assert desk.get_by_label("Potentially resectable").is_checked()  # the only one allowed
    for number, treatment in enumerate(
        ["parenchyma_sparing_resection", "anatomical_resection", "anatomical_resection"], 1
    ):
        desk.get_by_label(f"Treatment of lesion {number}").select_option(treatment)
    desk.locator('[name="lesion-2-segments"][value="6"]').set_checked(True)
    desk.get_by_label("Treatment of lesion 4").select_option("ablation")
    desk.get_by_label("Strategy").select_option("two_stage")
    desk.get_by_label("Portal vein embolisation before resection").check()
    screenshot(desk, "panel-conclusion-form-laptop")
    desk.get_by_role("button", name="Record the conclusion").click()
    desk.get_by_text("The panel's conclusion is recorded").wait_for()
    referral.refresh_from_db()
    stored = referral.conclusion_plan
    assert [entry["segments"] for entry in stored["lesions"]] == [[3], [5, 6], [7], []]
    assert stored["strategy"] == "two_stage" and stored["portal_vein_embolisation"]

    page = new_page()
    log_in(page, coordinator)
    page.goto(reverse("workspace:case-detail", args=[referral.case_id]))
    section = page.locator("#liver-panel")
    assert "The panel agrees with the pathway." in section.inner_text()
    section.get_by_text("Send to a liver expert panel").click()
    assert unlabelled_fields(page) == []
    screenshot(page, "panel-case-page-laptop")
    _section_shot(section, "panel-case-section-laptop")

    phone = new_page(**PHONE)
    log_in(phone, coordinator)
    phone.goto(reverse("workspace:case-detail", args=[referral.case_id]))
    _no_overflow(phone)
    screenshot(phone, "panel-case-page-phone")
    _section_shot(phone.locator("#liver-panel"), "panel-case-section-phone")
