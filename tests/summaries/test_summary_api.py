"""The printable meeting summary through the API: the job (202, then ready), one document per
state of the meeting, DRAFT until sign-off, what the PDF and the letters say, and who may
request and download them. Without REDIS_URL the task runs in-process once the request commits
(the test runs the on-commit callbacks as the commit would)."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from apps.meetings.services import agenda_item_add
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import action_add, action_update
from apps.meetings.services.meetings import agenda_item_remove
from apps.meetings.services.sign_off import meeting_sign_off
from apps.summaries.models import MeetingSummary, MeetingSummaryLetter
from tests.factories import CaseFactory
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(hospital, make_user):
    return build_summary_meeting(hospital, make_user, cases=3)


def _url(meeting):
    return reverse("api:meeting-summary", args=[meeting.id])


def _request(client, meeting, capture):
    with capture(execute=True):
        return client.post(_url(meeting))


def _text(pdf: bytes) -> list[str]:
    """Each page's text, its whitespace collapsed (a table cell wraps its lines)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response


@pytest.fixture
def requested(board, client_for, django_capture_on_commit_callbacks):
    """The coordinator's first request, rendered: (POST response, GET status body)."""
    client = client_for(board["coordinator"])
    posted = _request(client, board["meeting"], django_capture_on_commit_callbacks)
    return posted, client.get(_url(board["meeting"])).json()


def test_summary_post_answers_202_with_the_job_then_get_shows_it_ready(requested, board):
    posted, status = requested

    assert posted.status_code == 202
    job = posted.json()
    assert job["status"] == "pending"
    assert job["version"] == 1
    assert job["download_url"] is None
    assert job["draft"] is True
    assert status["status"] == "ready"
    assert status["id"] == job["id"]
    assert status["error"] == ""
    assert status["attempts"] == 1
    assert status["download_url"] == reverse(
        "api:meeting-summary-pdf", args=[board["meeting"].id, 1]
    )
    assert [letter["item"] for letter in status["letters"]] == [
        str(item.id) for item in board["items"]
    ]
    assert status["finished_at"] is not None


def test_summary_pdf_names_every_case_its_decision_and_evidence(requested, client_for, board):
    _, status = requested

    response = _download(client_for(board["coordinator"]), status["download_url"])

    pages = _text(response.content)
    text = "\n".join(pages)
    for index, item in enumerate(board["items"], start=1):
        assert item.case.patient.mrn in text
        assert f"{item.case.patient.given_name} {item.case.patient.family_name}" in text
        assert item.case.patient.birth_date.isoformat() in text
        assert f"Board plan for case {index}." in text
        assert f"Book follow-up imaging {index}" in text
    assert "Agrees with the recommendation" in text
    assert "2) Hepatic Resection" in text  # a citation's section
    assert "Karaoğlan BB et al." in text  # ... and its source
    assert "Seminar room 2" in text
    assert "Quorate" in text
    assert "crlm-2027.1" in text  # the pathway version
    for number, page in enumerate(pages, start=1):
        assert "Confidential: contains patient data" in page
        assert f"Page {number} of {len(pages)}" in page
        assert "DRAFT" in page


def test_summary_pdf_is_an_uncached_attachment_with_its_checksum_as_etag(
    requested, client_for, board
):
    _, status = requested

    response = _download(client_for(board["coordinator"]), status["download_url"])

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="mdt-summary-')
    assert response.content.startswith(b"%PDF-")
    checksum = hashlib.sha256(response.content).hexdigest()
    assert status["checksum"] == checksum
    assert response["ETag"] == f'"{checksum}"'
    assert response["Cache-Control"] == "private, no-store"
    assert status["size"] == len(response.content)


def test_summary_pdf_can_be_asked_for_as_application_pdf(requested, client_for, board):
    _, status = requested
    client = client_for(board["coordinator"])

    response = client.get(status["download_url"], HTTP_ACCEPT="application/pdf")
    missing = client.get(
        reverse("api:meeting-summary-pdf", args=[board["meeting"].id, 9]),
        HTTP_ACCEPT="application/pdf",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    assert missing.json()["message"]


def test_summary_letter_tells_the_referrer_the_outcome(requested, client_for, board):
    _, status = requested
    item = board["items"][1]
    letter = next(letter for letter in status["letters"] if letter["item"] == str(item.id))

    response = _download(client_for(board["viewer"]), letter["download_url"])

    assert response["Content-Disposition"].startswith('attachment; filename="mdt-outcome-')
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert letter["checksum"] == hashlib.sha256(response.content).hexdigest()
    text = "\n".join(_text(response.content))
    assert "Dr Referrer 2" in text
    assert item.case.patient.mrn in text
    assert "Board plan for case 2." in text
    assert "Book follow-up imaging 2" in text
    assert board["oncologist"].get_full_name() in text  # who tells the patient
    assert "Confidential: contains patient data" in text
    assert "DRAFT" in text
    # Only this case's patient.
    assert board["items"][0].case.patient.mrn not in text


def test_summary_unchanged_meeting_returns_the_same_document(
    requested, client_for, board, django_capture_on_commit_callbacks
):
    _, first = requested

    again = _request(
        client_for(board["oncologist"]), board["meeting"], django_capture_on_commit_callbacks
    )

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["version"] == 1
    assert again.json()["checksum"] == first["checksum"]
    assert again.json()["attempts"] == 1  # not rendered twice
    assert MeetingSummary.objects.filter(meeting=board["meeting"]).count() == 1


def test_summary_a_change_to_the_meeting_makes_a_new_version(
    requested, client_for, board, django_capture_on_commit_callbacks
):
    _, first = requested
    action_add(
        item=board["items"][0],
        actor=board["coordinator"],
        description="Refer to the clinical nurse specialist",
        owner=board["oncologist"],
        due_on=first["created_at"][:10],
    )
    client = client_for(board["coordinator"])

    posted = _request(client, board["meeting"], django_capture_on_commit_callbacks)
    status = client.get(_url(board["meeting"])).json()

    assert posted.status_code == 202
    assert status["version"] == 2
    assert status["status"] == "ready"
    assert status["checksum"] != first["checksum"]
    assert "Refer to the clinical nurse specialist" in "\n".join(
        _text(_download(client, status["download_url"]).content)
    )
    # The earlier version stays downloadable: it is what was circulated.
    assert _download(client, first["download_url"]).content
    assert "Refer to the clinical nurse specialist" not in "\n".join(
        _text(_download(client, first["download_url"]).content)
    )


def test_summary_attendance_change_makes_a_new_version(
    requested, client_for, board, make_user, django_capture_on_commit_callbacks
):
    attendance_add(
        meeting=board["meeting"], actor=board["coordinator"], name="Dr Visiting", specialty="other"
    )

    posted = _request(
        client_for(board["coordinator"]), board["meeting"], django_capture_on_commit_callbacks
    )

    assert posted.status_code == 202
    assert posted.json()["version"] == 2


def test_summary_is_draft_until_sign_off_and_not_after(
    requested, client_for, board, django_capture_on_commit_callbacks
):
    _, draft = requested
    meeting_sign_off(meeting=board["meeting"], actor=board["chair"])
    client = client_for(board["coordinator"])

    posted = _request(client, board["meeting"], django_capture_on_commit_callbacks)
    status = client.get(_url(board["meeting"])).json()

    assert posted.status_code == 202
    assert draft["draft"] is True
    assert status["version"] == 2
    assert status["draft"] is False
    text = "\n".join(_text(_download(client, status["download_url"]).content))
    assert "DRAFT" not in text
    assert "signed off by" in text
    letter = status["letters"][0]["download_url"]
    assert "DRAFT" not in "\n".join(_text(_download(client, letter).content))


def test_summary_get_before_any_request_is_a_clear_404(board, client_for):
    response = client_for(board["coordinator"]).get(_url(board["meeting"]))

    assert response.status_code == 404
    assert response.json()["message"] == "No summary has been requested for this meeting yet."


def test_summary_pdf_is_404_until_ready(board, client_for):
    client = client_for(board["coordinator"])
    # Not run: the test's transaction never commits, so the render is never queued.
    posted = client.post(_url(board["meeting"]))

    response = client.get(reverse("api:meeting-summary-pdf", args=[board["meeting"].id, 1]))
    letter = client.get(
        reverse(
            "api:meeting-summary-letter-pdf",
            args=[board["meeting"].id, 1, board["items"][0].id],
        )
    )

    assert posted.status_code == 202
    assert response.status_code == 404
    assert response.json()["errors"] == {"status": ["pending"]}
    assert letter.status_code == 404


@pytest.mark.parametrize("version", ["2", "0", "x", "-1", "99999999999999999999"])
def test_summary_pdf_unknown_version_is_404(requested, client_for, board, version):
    response = client_for(board["coordinator"]).get(
        reverse("api:meeting-summary-pdf", args=[board["meeting"].id, version])
    )

    assert response.status_code == 404


def test_summary_letter_of_an_item_not_on_the_agenda_is_404(requested, client_for, board):
    client = client_for(board["coordinator"])
    for item_id in ["not-a-uuid", board["meeting"].id]:
        response = client.get(
            reverse("api:meeting-summary-letter-pdf", args=[board["meeting"].id, 1, item_id])
        )
        assert response.status_code == 404


def test_summary_viewer_reads_and_downloads_but_cannot_request(
    requested, client_for, board, make_user
):
    _, status = requested
    viewer = client_for(make_user("viewer"))

    assert viewer.post(_url(board["meeting"])).status_code == 403
    assert viewer.get(_url(board["meeting"])).status_code == 200
    assert viewer.get(status["download_url"]).status_code == 200


def test_summary_other_hospital_and_anonymous_get_nothing(
    requested, client_for, board, make_user, other_hospital, api_client
):
    _, status = requested
    stranger = client_for(make_user("coordinator", hospital=other_hospital))

    for url in (
        _url(board["meeting"]),
        status["download_url"],
        status["letters"][0]["download_url"],
    ):
        assert stranger.get(url).status_code == 404
        assert api_client.get(url).status_code == 401
    assert stranger.post(_url(board["meeting"])).status_code == 404


def test_summary_request_through_a_real_token(
    board, client_for, django_capture_on_commit_callbacks
):
    client = client_for(board["chair"], token=True)

    posted = _request(client, board["meeting"], django_capture_on_commit_callbacks)
    status = client.get(_url(board["meeting"])).json()

    assert posted.status_code == 202
    assert _download(client, status["download_url"]).content.startswith(b"%PDF-")


def test_summary_changed_and_changed_back_serves_the_earlier_version(
    requested, client_for, board, django_capture_on_commit_callbacks
):
    """A -> B -> A: the meeting is again in the state of version 1, so the request returns
    version 1's document, and GET (what clients and the panel show) follows it, not the
    highest version number."""
    _, first = requested
    action = board["items"][0].actions.first()
    client = client_for(board["coordinator"])
    action_update(action=action, actor=board["coordinator"], data={"done": True})
    second = _request(client, board["meeting"], django_capture_on_commit_callbacks).json()
    assert client.get(_url(board["meeting"])).json()["version"] == second["version"] == 2

    action_update(action=action, actor=board["coordinator"], data={"done": False})
    back = _request(client, board["meeting"], django_capture_on_commit_callbacks)
    status = client.get(_url(board["meeting"])).json()

    assert back.status_code == 200
    assert back.json()["version"] == 1
    assert status["version"] == 1
    assert status["id"] == first["id"]
    assert status["download_url"] == first["download_url"]
    assert status["checksum"] == first["checksum"]
    assert MeetingSummary.objects.filter(meeting=board["meeting"]).count() == 2


def test_summary_letter_outlives_its_agenda_item(
    requested, client_for, board, hospital, django_capture_on_commit_callbacks
):
    """An item taken off the agenda keeps its letters in the versions already made, and an item
    removed between the request and the render does not fail the render."""
    extra = agenda_item_add(
        meeting=board["meeting"],
        case=CaseFactory(patient__hospital=hospital, patient__mrn="SUMM-EXTRA"),
        actor=board["coordinator"],
    )
    client = client_for(board["coordinator"])
    _request(client, board["meeting"], django_capture_on_commit_callbacks)
    made = client.get(_url(board["meeting"])).json()
    letter = next(letter for letter in made["letters"] if letter["item"] == str(extra.pk))

    agenda_item_remove(item=extra, actor=board["coordinator"])

    kept = MeetingSummaryLetter.objects.get(summary_id=made["id"], item_ref=extra.pk)
    assert kept.agenda_item_id is None
    assert (kept.position, kept.patient) == (letter["position"], letter["patient"])
    download = _download(client, letter["download_url"])
    assert "SUMM-EXTRA" in "\n".join(_text(download.content))
    assert download["Content-Disposition"].endswith(f'-{str(extra.pk)[:8]}.pdf"')
    assert client.get(_url(board["meeting"])).json()["letters"] == made["letters"]


def test_summary_item_removed_before_the_render_still_renders(
    board, client_for, hospital, django_capture_on_commit_callbacks
):
    extra = agenda_item_add(
        meeting=board["meeting"],
        case=CaseFactory(patient__hospital=hospital, patient__mrn="SUMM-GONE"),
        actor=board["coordinator"],
    )
    client = client_for(board["coordinator"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        posted = client.post(_url(board["meeting"]))
    agenda_item_remove(item=extra, actor=board["coordinator"])

    for callback in queued:  # the worker picks the task up now
        callback()
    status = client.get(_url(board["meeting"])).json()

    assert posted.status_code == 202
    assert status["status"] == "ready", status["error"]
    assert status["attempts"] == 1
    assert len(status["letters"]) == 4
    gone = MeetingSummaryLetter.objects.get(summary_id=status["id"], item_ref=extra.pk)
    assert gone.agenda_item_id is None
    assert gone.patient == f"{extra.case.patient.given_name} {extra.case.patient.family_name}"
