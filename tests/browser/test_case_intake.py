"""A coordinator enters a pathway example through the intake form and sees its recommendation."""

import json

import pytest
from django.urls import reverse

from apps.pathways.registry import evaluate_input
from apps.pathways.result import result_to_dict
from apps.patients.models import MdtCase
from tests.browser.conftest import fill_form, log_in, screenshot, unlabelled_fields
from tests.conftest import EXAMPLES_2027_DIR
from tests.workspace.test_case_pages import intake_data

pytestmark = pytest.mark.django_db(transaction=True)

# Resection planned, two small lesions that could be ablated instead (crlm-2027.1, current).
EXAMPLE = "resectable-small-lesions-ablation-alternative"


def _example(name: str) -> tuple[dict, dict]:
    document = json.loads((EXAMPLES_2027_DIR / f"{name}.json").read_text())
    return document["case"], document["expected"]


def _lesion_rows_first(values: dict) -> tuple[dict, dict]:
    """Split the form's values: the lesion and site rows (which need rows added first), the rest."""
    rows = {k: v for k, v in values.items() if k.startswith(("liver.lesions[", "extrahepatic."))}
    return rows, {k: v for k, v in values.items() if k not in rows}


def enter_case(page, name: str, mrn: str) -> dict:
    """On the new-case page, type the example `name` in as a coordinator would, and wait for the
    live panel to show its primary recommendation. Returns the example's expected output."""
    case, expected = _example(name)
    enter_facts(page, case, mrn, expected["primary"])
    return expected


def enter_facts(page, case: dict, mrn: str, primary: str) -> None:
    """Type the pathway input `case` into the new-case page and wait for the live panel to show
    the `primary` recommendation's code."""
    page.get_by_role("link", name="New case").click()
    assert unlabelled_fields(page) == []
    rows, rest = _lesion_rows_first(intake_data(case, mrn=mrn))
    fill_form(page, rest)
    for _ in range(len(case["liver"]["lesions"]) - 1):
        page.get_by_role("button", name="Add lesion").click()
    page.locator(f'[name="liver.lesions[{len(case["liver"]["lesions"]) - 1}].segment"]').wait_for()
    fill_form(page, rows)
    # The live panel follows the form without a page load.
    page.wait_for_function(
        "code => document.querySelector('[data-testid=primary-recommendation]')"
        "?.dataset.code === code",
        arg=primary,
    )


def test_coordinator_enters_an_example_and_sees_its_primary_recommendation(new_page, coordinator):
    page = new_page()
    log_in(page, coordinator)
    expected = enter_case(page, EXAMPLE, "BROWSER-1")
    assert (
        page.get_by_test_id("resectability")
        .inner_text()
        .lower()
        .startswith(expected["resectability"].replace("_", " "))
    )
    # The liver map draws every lesion, coloured by its first ablation modality.
    lesions = page.locator("svg.liver-map circle.lesion")
    assert lesions.count() == len(expected["lesion_plan"])
    assert lesions.first.get_attribute("fill") != lesions.nth(1).get_attribute("fill")
    screenshot(page, "case-intake")

    page.get_by_role("button", name="Create case").click()
    created = MdtCase.objects.get(patient__mrn="BROWSER-1")
    page.wait_for_url(f"**{reverse('workspace:case-detail', args=[created.id])}")
    assert (
        page.get_by_test_id("primary-recommendation").get_attribute("data-code")
        == (expected["primary"])
    )
    screenshot(page, "case-detail")

    page.get_by_role("link", name="Cases").click()
    assert "BROWSER-1" in page.locator("main").inner_text()
    screenshot(page, "case-list")


def test_an_error_shows_beside_its_field_as_it_is_left_and_nothing_typed_is_lost(
    new_page, coordinator
):
    page = new_page()
    log_in(page, coordinator)
    page.goto(reverse("workspace:case-new"))
    segment = page.locator('[name="liver.lesions[0].segment"]')
    segment.fill("9")
    segment.press("Tab")
    error = page.locator(f"#{segment.get_attribute('id')}-error")
    error.get_by_text("8", exact=False).wait_for()  # the range is named
    assert segment.get_attribute("aria-invalid") == "true"

    page.locator('[name="patient.given_name"]').fill("Fictional")
    new_page.allow("status of 400")  # the form comes back as a 400, with its errors
    page.get_by_role("button", name="Create case").click()
    # The whole form comes back with its errors, and what was typed is still there.
    page.locator('[name="patient.given_name"]').wait_for()
    assert page.locator('[name="patient.given_name"]').input_value() == "Fictional"
    assert page.locator('[name="liver.lesions[0].segment"]').input_value() == "9"
    assert not MdtCase.objects.exists()


def test_enter_in_a_field_submits_the_form_and_keeps_every_lesion(new_page, coordinator):
    page = new_page()
    log_in(page, coordinator)
    page.goto(reverse("workspace:case-new"))
    page.get_by_role("button", name="Add lesion").click()
    page.locator('[name="liver.lesions[1].segment"]').wait_for()
    fill_form(page, {"liver.lesions[0].segment": "7", "liver.lesions[1].segment": "3"})
    new_page.allow("status of 400")  # incomplete: the form comes back with its errors
    page.locator('[name="patient.mrn"]').fill("ENTER-1")
    page.locator('[name="patient.mrn"]').press("Enter")
    page.get_by_role("alert").filter(has_text="Nothing was saved").wait_for()
    assert page.locator('[name="liver.lesions[0].segment"]').input_value() == "7"
    assert page.locator('[name="liver.lesions[1].segment"]').input_value() == "3"
    assert page.locator('[name="patient.mrn"]').input_value() == "ENTER-1"


def test_intake_works_without_javascript(browser, live_server, coordinator):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, coordinator)
        page.goto(reverse("workspace:case-new"))
        page.get_by_role("button", name="Add lesion").click()  # a real submit button
        assert page.locator('[name="liver.lesions[1].segment"]').count() == 1
        case, expected = _example(EXAMPLE)
        fill_form(page, intake_data(case, mrn="NOJS-1"))
        page.get_by_role("button", name="Create case").click()
        created = MdtCase.objects.get(patient__mrn="NOJS-1")
        assert created.recommendations.get().primary_code == expected["primary"]
    finally:
        context.close()


def test_a_planned_resection_and_the_ten_second_read(new_page, coordinator):
    """A resectable case progressing on its course, the liver surgeon having planned a minor
    resection: the panel opens with the summary sentence, then the primary recommendation with
    its regimen in the same line; the trace is collapsed, the regimen not repeated as an
    adjunct, and the case page shows the planned resection."""
    case, _ = _example("progression-still-resectable-braf-mutant")
    case["liver"]["planned_resection"] = "minor"
    result = result_to_dict(evaluate_input(case))
    primary = next(item for item in result["recommendations"] if item["role"] == "primary")
    regimen = next(item for item in result["recommendations"] if item["role"] == "adjunct")
    page = new_page()
    log_in(page, coordinator)
    enter_facts(page, case, "BROWSER-10S", primary["code"])
    assert page.locator('[name="liver.planned_resection"]').input_value() == "minor"

    page.get_by_role("button", name="Create case").click()
    created = MdtCase.objects.get(patient__mrn="BROWSER-10S")
    page.wait_for_url(f"**{reverse('workspace:case-detail', args=[created.id])}")
    panel = page.locator("section.rec-panel")
    summary = panel.get_by_test_id("recommendation-summary")
    assert summary.inner_text() == result["summary"]
    line = panel.get_by_test_id("primary-line").inner_text()
    title = regimen["title"]
    assert line == f"{primary['title']}: {title[0].lower()}{title[1:]}"
    # The summary comes first, before the primary recommendation's box.
    first = panel.locator("[data-testid=recommendation-summary], [data-testid=primary-line]")
    assert first.first.get_attribute("data-testid") == "recommendation-summary"
    assert panel.locator(f'li[data-role="adjunct"][data-code="{regimen["code"]}"]').count() == 0
    trace = panel.get_by_test_id("trace")
    assert trace.get_attribute("open") is None and not trace.locator("ol").is_visible()
    assert "minor hepatectomy planned" in page.locator("#facts-heading + dl").inner_text().lower()
    screenshot(page, "case-ten-second-read")
