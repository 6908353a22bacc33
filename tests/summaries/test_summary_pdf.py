"""What the rendering does beyond the data: it fetches nothing outside static/ however a URL is
spelled, it wraps long unbroken text instead of losing it off the page, the outcome letter
flags a stale recommendation, and the content key changes with the render version and with
every printed value (the follow-up "told on" dates are printed)."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.imaging.services import lesion_update
from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import decision_record, follow_up_update
from apps.recommendations.services import recommendation_create
from apps.summaries import data as summary_data_module
from apps.summaries import pdf
from apps.summaries.data import content_key, summary_data
from apps.summaries.generation import summary_documents
from apps.summaries.services import summary_request
from tests.factories import CaseFactory
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(hospital, make_user):
    return build_summary_meeting(hospital, make_user, cases=1)


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


# --- the URL fetcher -----------------------------------------------------------------------------


def _escapes_to(target, *, up="%2e%2e/"):
    """A file: URL that starts under static/ and climbs to `target` with encoded dots."""
    return f"file://{pdf.STATIC_DIR}/" + up * len(pdf.STATIC_DIR.parts) + str(target)[1:]


@pytest.fixture
def secret(tmp_path):
    """A file outside static/ that no document may embed."""
    path = tmp_path / "secret.txt"
    path.write_text("root:x:0:0:secret")
    return path


def test_pdf_fetcher_refuses_every_url_outside_static(secret):
    _, fetcher, _, _ = pdf._weasy()
    refused = [
        f"file://{secret}",
        f"file://{pdf.STATIC_DIR}/../../../../../../{str(secret)[1:]}",
        _escapes_to(secret),
        _escapes_to(secret, up="%2E%2E%2f"),
        f"file://{pdf.STATIC_DIR}/css/" + "..%2f" * 12 + str(secret)[1:],
        f"file://elsewhere.example{secret}",
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/style.css",
        "ftp://example.org/x",
    ]

    for url in refused:
        assert pdf.static_file(url) is None, url
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_pdf_fetcher_serves_the_very_file_under_static():
    _, fetcher, _, _ = pdf._weasy()
    css = pdf.STATIC_DIR / "css" / "print.css"

    for url in (css.as_uri(), f"file://{pdf.STATIC_DIR}/css/%70rint.css"):
        response = fetcher.fetch(url)
        assert response.read() == css.read_bytes()
        assert response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_pdf_document_embeds_no_file_from_outside_static(secret):
    """End to end: an attachment link with an encoded climb out of static/ (WeasyPrint embeds
    attachments) leaves the file out of the PDF."""
    document = pdf._write(f'<link rel="attachment" href="{_escapes_to(secret)}"><p>x</p>')

    assert b"root:x:0" not in document
    assert PdfReader(io.BytesIO(document)).attachments == {}


# --- layout --------------------------------------------------------------------------------------


def _overflowing_text(html: str) -> list[str]:
    """The text boxes of the laid-out document that reach past the page's right margin."""
    weasyprint, fetcher, fonts, stylesheet = pdf._weasy()
    document = weasyprint.HTML(
        string=html, base_url=str(pdf.STATIC_DIR) + "/", url_fetcher=fetcher
    ).render(stylesheets=[stylesheet], font_config=fonts)
    past = []
    for page in document.pages:
        page_box = page._page_box
        right = page_box.margin_width() - page_box.margin_right
        for box in page_box.descendants():
            if type(box).__name__ == "TextBox" and box.position_x + box.width > right + 1:
                past.append(box.text[:40])
    return past


def test_pdf_long_unbroken_text_wraps_inside_the_page(board, hospital):
    long_run = "X" * 400
    case = CaseFactory(
        patient__hospital=hospital,
        facts="solitary-metachronous-low-risk",
        question="Resectable? " + long_run,
    )
    recommendation_create(case=case, actor=board["coordinator"])
    item = agenda_item_add(meeting=board["meeting"], case=case, actor=board["coordinator"])
    decision_record(
        item=item,
        actor=board["chair"],
        data={
            "plan_codes": [],
            "plan_text": "Plan " + long_run + " END-OF-PLAN",
            "intent": "curative",
            "agreement": "agree",
        },
    )
    data = summary_data(meeting=board["meeting"])
    generated_at = timezone.now()

    summary = pdf.summary_html(data, generated_at=generated_at, version=1)
    letter = pdf.letter_html(data, data["cases"][1], generated_at=generated_at, version=1)

    assert _overflowing_text(summary) == []
    assert _overflowing_text(letter) == []


# --- the outcome letter --------------------------------------------------------------------------


def test_pdf_letter_flags_a_stale_recommendation_as_the_summary_does(board):
    case = board["items"][0].case
    lesion = case.liver_lesions.first()
    lesion_update(lesion=lesion, data={"size_mm": 70}, actor=board["coordinator"])

    data = summary_data(meeting=board["meeting"])
    summary, letters = summary_documents(data=data, version=1, generated_at=timezone.now())
    letter = _text(letters[str(board["items"][0].pk)])

    changed = data["cases"][0]["clinical_source"]["facts_changed_at"]
    assert "Stale: the facts changed since" in _text(summary)
    assert (
        f"The pathway recommendation is stale: the case's facts changed after it, on {changed}."
        in letter
    )


def test_pdf_letter_of_a_fresh_recommendation_has_no_stale_flag(board):
    data = summary_data(meeting=board["meeting"])
    _, letters = summary_documents(data=data, version=1, generated_at=timezone.now())

    assert "stale" not in _text(letters[str(board["items"][0].pk)])


def test_pdf_letter_gives_the_referral_date_in_words(board):
    case = board["items"][0].case
    data = summary_data(meeting=board["meeting"])
    _, letters = summary_documents(data=data, version=1, generated_at=timezone.now())
    letter = _text(letters[str(board["items"][0].pk)])

    in_words = f"{case.referred_on.day} {case.referred_on:%B %Y}"
    assert f"Thank you for referring your patient on {in_words}." in letter
    assert f"patient on {case.referred_on.isoformat()}" not in letter


# --- the content key -----------------------------------------------------------------------------


def test_content_key_changes_with_the_render_version(board, monkeypatch):
    first = summary_request(meeting=board["meeting"], actor=board["coordinator"])
    data = summary_data(meeting=board["meeting"])
    before = content_key(data)

    monkeypatch.setattr(
        summary_data_module, "RENDER_VERSION", summary_data_module.RENDER_VERSION + 1
    )
    again = summary_request(meeting=board["meeting"], actor=board["coordinator"])

    assert content_key(data) != before
    assert first.content_key == before
    assert again.version == 2  # the templates changed: a new document, not the old one


@pytest.mark.parametrize(
    ("field", "printed"),
    [
        ("patient_informed_at", "Patient told on"),
        ("referrer_informed_at", "Referring clinician told on"),
    ],
)
def test_content_key_follow_up_dates_are_printed(board, field, printed):
    """Every value the key hashes is printed: the follow-up "told on" dates make a new version,
    and that version shows them."""
    before = content_key(summary_data(meeting=board["meeting"]))
    told = timezone.now()  # after the decision (recorded as the board was built), not before
    follow_up_update(item=board["items"][0], actor=board["coordinator"], data={field: told})

    data = summary_data(meeting=board["meeting"])
    summary, _ = summary_documents(data=data, version=2, generated_at=timezone.now())

    assert content_key(data) != before
    local = timezone.localtime(told).strftime("%Y-%m-%d %H:%M")
    assert f"{printed} {local}." in _text(summary)
