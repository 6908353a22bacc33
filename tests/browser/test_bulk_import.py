"""The bulk referral import in Chromium: a file with a bad row shown with its problem by column,
fixed and saved; a large file's progress bar polled until the check is done. Screenshots at
phone, laptop and projector widths, and no page scrolling sideways except inside its table."""

from __future__ import annotations

import pytest

from apps.bulkimport import services
from apps.bulkimport.models import ReferralImport
from apps.bulkimport.processing import referral_import_check
from apps.patients.models import MdtCase
from tests.browser.conftest import log_in, screenshot
from tests.bulkimport.conftest import csv_bytes, example_row
from tests.conftest import example

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["bilobar-short-remnant-one-side-ablatable", "braf-pretreated-lung-encorafenib"]
WIDTHS = ((390, 844), (1366, 768), (1920, 1080))


def _rows():
    return [example_row(example(name), mrn=f"BROWSER-{i}") for i, name in enumerate(NAMES)]


def _file(rows):
    return {"name": "referrals.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}


def _sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_bulk_import_preview_fix_and_save(new_page, coordinator):
    page = new_page()
    log_in(page, coordinator)
    page.goto("/cases/import/")
    screenshot(page, "bulk-import-upload")
    rows = _rows()
    rows[1]["lesions"] = "S9:40"
    page.locator("#import-file").set_input_files(_file(rows))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("#import-row-3.import-row-error")
    assert "segment 9 is not 1 to 8" in page.locator("#import-row-3").inner_text()
    assert page.locator("#import-confirm").count() == 0
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert _sideways(page) <= 0, width
        screenshot(page, f"bulk-import-preview-errors-{width}")

    page.goto("/cases/import/")
    page.locator("#import-file").set_input_files(_file(_rows()))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Save 2 referrals").click()
    page.wait_for_selector("#import-status[data-status='saved']")
    assert "2 referrals saved." in page.locator("#import-status").inner_text()
    screenshot(page, "bulk-import-saved")
    assert MdtCase.objects.count() == 2


def test_bulk_import_progress_bar_polls(new_page, coordinator, settings, monkeypatch):
    settings.BULK_IMPORT_ASYNC_ROWS = 1
    monkeypatch.setattr(services, "_send", lambda import_id, stage: None)  # no worker yet
    page = new_page()
    log_in(page, coordinator)
    page.goto("/cases/import/")
    page.locator("#import-file").set_input_files(_file(_rows()))
    page.get_by_role("button", name="Check the file").click()
    progress = page.locator("#import-progress")
    progress.wait_for()
    assert progress.get_attribute("max") == "2"
    screenshot(page, "bulk-import-progress")
    referral_import_check(import_id=str(ReferralImport.objects.get().pk))  # the worker's turn
    page.wait_for_selector("#import-status[data-status='ready']")
    assert page.locator("#import-confirm").is_visible()
    screenshot(page, "bulk-import-ready")
