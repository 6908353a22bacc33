"""The coordinator's import pages with Django's test client: upload, preview with errors, fix,
upload again, confirm; the template CSV; roles and another hospital."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.bulkimport.columns import COLUMNS
from apps.bulkimport.models import ReferralImport
from apps.patients.models import MdtCase
from tests.conftest import example

from .conftest import csv_bytes, example_row

pytestmark = pytest.mark.django_db

NAMES = ["bilobar-short-remnant-one-side-ablatable", "braf-pretreated-lung-encorafenib"]


def _rows():
    return [example_row(example(name), mrn=f"PAGE-{i}") for i, name in enumerate(NAMES)]


def _upload(client, data):
    file = SimpleUploadedFile("referrals.csv", data, content_type="text/csv")
    return client.post(reverse("bulkimport:upload"), {"file": file})


@pytest.fixture
def browser(client, coordinator):
    client.force_login(coordinator)
    return client


def test_upload_preview_fix_confirm(browser):
    page = browser.get(reverse("bulkimport:upload"))
    assert page.status_code == 200
    assert b"S5:42;S7:18dv" in page.content  # the lesion format is explained

    rows = _rows()
    rows[1]["primary_site"] = "colon"
    response = _upload(browser, csv_bytes(rows))
    assert response.status_code == 302
    preview = browser.get(response["Location"])
    text = preview.content.decode()
    assert 'id="import-row-3" class="import-row-error"' in text
    assert "<code>primary_site</code>" in text
    assert 'id="import-confirm"' not in text  # no save offered while a row has an error

    refused = browser.post(
        reverse("bulkimport:confirm", args=[response["Location"].rstrip("/").split("/")[-1]])
    )
    assert refused.status_code == 409
    assert MdtCase.objects.count() == 0

    rows[1]["primary_site"] = "left_colon"
    response = _upload(browser, csv_bytes(rows))
    import_id = response["Location"].rstrip("/").split("/")[-1]
    preview = browser.get(response["Location"])
    assert b'id="import-confirm"' in preview.content
    saved = browser.post(reverse("bulkimport:confirm", args=[import_id]), HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert b"2 referrals saved." in saved.content
    assert b"<html" not in saved.content  # the partial only
    assert MdtCase.objects.count() == 2


def test_file_errors_are_shown_on_the_upload_page(browser):
    response = _upload(browser, b"mrn,nonsense\n1,2\n")
    assert response.status_code == 400
    assert b"Unknown column(s): &#x27;nonsense&#x27;" in response.content
    assert ReferralImport.objects.count() == 0


def test_in_flight_import_polls_its_partial(browser, settings, coordinator):
    settings.BULK_IMPORT_ASYNC_ROWS = 1  # the task is queued at commit; the test never runs it
    response = _upload(browser, csv_bytes(_rows()))
    page = browser.get(response["Location"])
    assert b'hx-trigger="every 1s"' in page.content
    assert b'<progress id="import-progress" value="0" max="2">' in page.content
    partial = browser.get(response["Location"], HTTP_HX_REQUEST="true")
    assert partial.content.lstrip().startswith(b"<section")


def test_template_csv_downloads(browser):
    response = browser.get(reverse("bulkimport:template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, example_row_values = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == [column.name for column in COLUMNS]
    assert len(example_row_values) == len(header)


@pytest.mark.parametrize("role", ["clinician", "viewer"])
def test_other_roles_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    for name in ("bulkimport:upload", "bulkimport:template"):
        assert client.get(reverse(name)).status_code == 403
    assert _upload(client, csv_bytes(_rows())).status_code == 403


def test_another_hospitals_import_is_not_found(browser, client, make_user, other_hospital):
    response = _upload(browser, csv_bytes(_rows()))
    browser.logout()
    client.force_login(make_user("coordinator", hospital=other_hospital))
    assert client.get(response["Location"]).status_code == 404
    import_id = response["Location"].rstrip("/").split("/")[-1]
    assert client.post(reverse("bulkimport:confirm", args=[import_id])).status_code == 404
