"""The referral import API: preview with errors by row and column, all-or-nothing save, the
patient matched by MRN, file-level limits, and a large file through the Celery task."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.bulkimport.models import ReferralImport
from apps.casefacts.selectors import case_facts
from apps.pathways.facts import facts_to_dict, parse_facts
from apps.patients.models import MdtCase, Patient
from apps.patients.services import patient_create
from tests.conftest import example

from .conftest import csv_bytes, example_row

pytestmark = pytest.mark.django_db

EXAMPLES = [
    "bilobar-short-remnant-one-side-ablatable",
    "disappeared-lesion-resection-intraoperative-ultrasound",
    "braf-pretreated-lung-encorafenib",
    "bleeding-primary-bevacizumab-deferred",
    "ecog3-fit-resectable-operates",
    "adjuvant-oxaliplatin-relapse-at-8-months",
]


def _upload(client, data, name="referrals.csv"):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("api:referral-imports"), {"file": file}, format="multipart")


def _confirm(client, import_id):
    return client.post(reverse("api:referral-import-confirm", args=[import_id]))


def _rows(names=EXAMPLES):
    return [example_row(example(name), mrn=f"IMP-{i}") for i, name in enumerate(names)]


def test_good_csv_saves_every_referral_with_its_facts(coordinator_client, hospital):
    response = _upload(coordinator_client, csv_bytes(_rows()))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "ready", body["rows"]
    assert body["total"] == body["processed"] == len(EXAMPLES)
    assert MdtCase.objects.count() == 0  # nothing saved before the confirm

    response = _confirm(coordinator_client, body["id"])
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["status"] == "saved"
    assert len(saved["created_case_ids"]) == len(EXAMPLES)
    for name, case_id in zip(EXAMPLES, saved["created_case_ids"], strict=True):
        case = MdtCase.objects.get(pk=case_id)
        assert case.patient.hospital == hospital
        assert case_facts(case=case) == facts_to_dict(parse_facts(example(name))), name
    # A second confirm saves nothing more.
    assert _confirm(coordinator_client, body["id"]).status_code == 409
    assert MdtCase.objects.count() == len(EXAMPLES)


def test_one_bad_row_saves_nothing_and_the_preview_names_row_and_column(coordinator_client):
    rows = _rows(EXAMPLES[:3])
    rows[1]["ecog"] = "7"
    rows[2]["lesions"] = "S9:40"
    body = _upload(coordinator_client, csv_bytes(rows)).json()
    assert body["status"] == "invalid"
    assert body["error_rows"] == 2
    by_row = {row["row"]: row["errors"] for row in body["rows"]}
    assert by_row[2] == {}
    assert list(by_row[3]) == ["ecog"]
    assert "segment 9 is not 1 to 8" in by_row[4]["lesions"][0]

    response = _confirm(coordinator_client, body["id"])
    assert response.status_code == 409
    assert "rows[3].ecog" in response.json()["errors"]
    assert MdtCase.objects.count() == 0
    assert Patient.objects.count() == 0


def test_existing_patient_is_matched_by_mrn(coordinator_client, coordinator, hospital):
    row = example_row(example(EXAMPLES[0]), mrn="KNOWN-1")
    patient = patient_create(
        hospital=hospital,
        mrn="KNOWN-1",
        given_name="fictional",  # the case of a name does not matter
        family_name=row["family_name"],
        birth_date=__import__("datetime").date.fromisoformat(row["birth_date"]),
        sex="female",
        actor=coordinator,
    )
    body = _upload(coordinator_client, csv_bytes([row])).json()
    assert body["status"] == "ready", body["rows"]
    assert body["rows"][0]["existing_patient"] is True
    saved = _confirm(coordinator_client, body["id"]).json()
    assert MdtCase.objects.get(pk=saved["created_case_ids"][0]).patient == patient
    assert Patient.objects.count() == 1


def test_identity_mismatch_names_the_column(coordinator_client, coordinator, hospital):
    row = example_row(example(EXAMPLES[0]), mrn="KNOWN-2")
    patient_create(
        hospital=hospital,
        mrn="KNOWN-2",
        given_name="Someone",
        family_name=row["family_name"],
        birth_date=__import__("datetime").date.fromisoformat(row["birth_date"]),
        sex="female",
        actor=coordinator,
    )
    body = _upload(coordinator_client, csv_bytes([row])).json()
    assert body["status"] == "invalid"
    assert list(body["rows"][0]["errors"]) == ["given_name"]
    assert "check the MRN" in body["rows"][0]["errors"]["given_name"][0]


def test_duplicate_mrn_in_a_file_is_flagged_on_the_later_row(coordinator_client):
    rows = _rows(EXAMPLES[:2])
    rows[1]["mrn"] = rows[0]["mrn"]
    body = _upload(coordinator_client, csv_bytes(rows)).json()
    assert body["rows"][0]["errors"] == {}
    assert "The same MRN as row 2" in body["rows"][1]["errors"]["mrn"][0]


def test_text_csv_body_with_bom_is_read(coordinator_client):
    response = coordinator_client.generic(
        "POST",
        reverse("api:referral-imports"),
        csv_bytes(_rows(EXAMPLES[:1]), bom=True),
        content_type="text/csv",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "ready"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("mrn;name\n".encode("utf-16"), "not UTF-8"),
        (b"mrn,given_nme\nX,Y\n", "Unknown column(s): 'given_nme'"),
        (b"", "header row is missing"),
        (csv_bytes([]), "no referrals"),
    ],
)
def test_unreadable_files_are_refused_whole(coordinator_client, data, words):
    response = _upload(coordinator_client, data)
    assert response.status_code == 400
    body = response.json()
    assert words in body["message"] + " ".join(body["errors"]["file"])
    assert ReferralImport.objects.count() == 0


def test_limits_are_settings(coordinator_client, settings):
    settings.BULK_IMPORT_MAX_ROWS = 1
    response = _upload(coordinator_client, csv_bytes(_rows(EXAMPLES[:2])))
    assert response.status_code == 400
    assert "at most 1 at a time" in response.json()["message"]
    settings.BULK_IMPORT_MAX_BYTES = 100
    response = _upload(coordinator_client, csv_bytes(_rows(EXAMPLES[:1])))
    assert "larger than" in response.json()["message"]


def test_large_file_goes_through_the_celery_task(
    coordinator_client, settings, django_capture_on_commit_callbacks
):
    settings.BULK_IMPORT_ASYNC_ROWS = 2
    names = EXAMPLES[:3] * 4  # 12 rows, distinct MRNs
    rows = [example_row(example(name), mrn=f"BIG-{i}") for i, name in enumerate(names)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _upload(coordinator_client, csv_bytes(rows))
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "validating"
    assert len(callbacks) == 1  # the task, queued once the upload committed
    detail = coordinator_client.get(
        reverse("api:referral-import-detail", args=[response.json()["id"]])
    ).json()
    assert detail["status"] == "ready", detail["rows"]
    assert detail["processed"] == detail["total"] == 12

    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(coordinator_client, detail["id"])
    assert response.status_code == 202
    assert response.json()["status"] == "saving"
    done = ReferralImport.objects.get(pk=detail["id"])
    assert done.status == "saved"
    assert done.processed == done.total == 12
    assert MdtCase.objects.filter(pk__in=done.created_case_ids).count() == 12


def test_another_hospitals_import_is_not_found(
    coordinator_client, make_user, client_for, other_hospital
):
    body = _upload(coordinator_client, csv_bytes(_rows(EXAMPLES[:1]))).json()
    stranger = client_for(make_user("coordinator", hospital=other_hospital))
    for response in (
        stranger.get(reverse("api:referral-import-detail", args=[body["id"]])),
        _confirm(stranger, body["id"]),
    ):
        assert response.status_code == 404
        assert response.json()["message"]
    assert MdtCase.objects.count() == 0
