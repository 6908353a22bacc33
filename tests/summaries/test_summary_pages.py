"""Every page of a meeting summary and of its outcome letters, looked at: each page is rendered
to a PNG under test-artifacts/pdf/ (pypdfium2) for a person to open, and checked by program:
no text runs past the page's margins, no page holds a stray line or two, no table row or block
is split across pages, and nothing a person reads is a code.

The meeting is written to be hard on the layout: long unbroken text, a long question, a long
personal paragraph, several actions, revealed votes and a hospital letterhead."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pypdfium2
import pytest
from django.utils import timezone

from apps.core.models import Hospital
from apps.liverpanel import services as panel_services
from apps.meetings.models import AgendaItem
from apps.meetings.services import agenda_item_add, agenda_item_update
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import action_add, decision_record
from apps.meetings.services.presenting import meeting_present
from apps.meetings.services.sign_off import meeting_sign_off
from apps.meetings.services.votes import vote_record, votes_reveal
from apps.recommendations.services import recommendation_create
from apps.summaries import pdf
from apps.summaries.data import summary_data
from apps.summaries.generation import summary_documents
from tests.factories import CaseFactory
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"
MM = 72 / 25.4  # PDF points per millimetre
# print.css: @page margins 18mm 15mm 20mm 15mm; the margin boxes sit inside the side margins.
SIDE_MARGIN = 15 * MM
TOLERANCE = 1.5  # points: glyph boxes may overhang their line box a hair
RAW_CODE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b|\b[a-z]+(?:_[a-z0-9]+)+\b")


@pytest.fixture
def meeting_data(hospital, make_user):
    Hospital.objects.filter(pk=hospital.pk).update(
        address="Fictional Hospital NHS Trust\nLiver Unit, Level 4\n"
        "1 Example Road\nTestville TE1 1ST",
        telephone="0100 000 0000",
        email="liver.mdt@hospital.example",
    )
    board = build_summary_meeting(hospital, make_user, cases=4)
    meeting, coordinator, chair = board["meeting"], board["coordinator"], board["chair"]
    second_surgeon = make_user("clinician", specialty="liver_surgeon", first_name="Second")
    attendance_add(meeting=meeting, actor=coordinator, user=second_surgeon)
    first = board["items"][0]
    AgendaItem.objects.filter(pk=first.pk).update(
        question="Is a one-stage resection feasible, or should the patient have portal vein "
        "embolisation first? " * 4
    )
    for index in range(24):  # enough for the actions' table to run over a page break
        action_add(
            item=first,
            actor=coordinator,
            description=f"Action {index}: " + "a long description of what the board asks " * 3,
            owner=board["radiologist"],
            due_on=datetime.date(2030, 2, 1 + index % 28),
        )
    action_add(
        item=first,
        actor=coordinator,
        description="https://example.invalid/" + "x" * 160,  # one unbroken run
        owner=board["radiologist"],
        due_on=datetime.date(2030, 3, 1),
    )
    agenda_item_update(
        item=first,
        actor=coordinator,
        data={"letter_note": "I spoke to the patient's family after the meeting. " * 12},
    )
    # A case with the surgeons' votes, revealed before its decision, as at the meeting.
    voted_case = CaseFactory(patient__hospital=hospital, facts="bilobar-two-stage-primary-in-situ")
    snapshot = recommendation_create(case=voted_case, actor=coordinator)
    voted = agenda_item_add(meeting=meeting, case=voted_case, actor=coordinator)
    vote_record(item=voted, surgeon=chair, call="potentially_resectable")
    vote_record(item=voted, surgeon=second_surgeon, call="unresectable")
    votes_reveal(item=voted, actor=chair)
    decision_record(
        item=voted,
        actor=chair,
        data={
            "plan_codes": [snapshot.primary_code],
            "plan_text": "",
            "intent": "curative",
            "agreement": "agree",
        },
    )
    _panel_concluded(voted_case, coordinator, chair, second_surgeon, make_user)
    meeting_present(meeting=meeting, item=first, actor=chair)
    meeting_present(meeting=meeting, item=board["items"][1], actor=chair)
    meeting_sign_off(meeting=meeting, actor=chair)
    return summary_data(meeting=meeting), board


def _panel_concluded(case, coordinator, chair, second_surgeon, make_user):
    """The case reviewed by a liver expert panel of five (the first three disagreeing), its
    conclusion written by `chair`."""
    panel = panel_services.panel_save(
        actor=coordinator,
        name="Regional liver panel",
        code="rlp",
        hospitals=[case.patient.hospital],
    )
    for surgeon in [second_surgeon, *(make_user("clinician") for _ in range(4))]:
        panel_services.panel_member_save(panel=panel, user=surgeon, actor=coordinator)
    panel_services.panel_member_save(panel=panel, user=chair, actor=coordinator, is_chair=True)
    referral = panel_services.panel_referral_create(
        case=case, panel=panel, question="Two stages?", actor=coordinator, seed=3
    )
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
    calls = iter(
        ["resectable", "unresectable", "potentially_resectable"] + ["potentially_resectable"] * 2
    )
    for stage in (1, 2):
        for review in referral.reviews.filter(stage=stage).select_related("member__user"):
            call = next(calls)
            panel_services.panel_review_submit(
                referral=referral,
                reviewer=review.member.user,
                category=call,
                plan=None if call == "unresectable" else plan,
                seed=5,
            )
    referral.refresh_from_db()
    panel_services.panel_conclusion_record(
        referral=referral,
        chair=chair,
        category="potentially_resectable",
        plan=plan,
        note="Convert with chemotherapy, then a two-stage hepatectomy.",
    )


def _pages(name: str, content: bytes) -> list[dict]:
    """Render every page to PNG (an artifact) and read its characters' boxes."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(content)
    pages = []
    for index in range(len(document)):
        page = document[index]
        width, height = page.get_size()
        page.render(scale=1.5).to_pil().save(ARTIFACTS / f"{name}-page-{index + 1}.png")
        text = page.get_textpage()
        boxes = [text.get_charbox(i) for i in range(text.count_chars())]
        chars = text.get_text_range()
        pages.append({"width": width, "height": height, "boxes": boxes, "text": chars})
        text.close()
        page.close()
    document.close()
    return pages


def _check_page(name: str, number: int, page: dict) -> None:
    width, height = page["width"], page["height"]
    for left, bottom, right, top in page["boxes"]:
        if right - left <= 0:
            continue  # spaces and line ends
        assert left >= SIDE_MARGIN - TOLERANCE, (name, number, "text left of the margin", left)
        assert right <= width - SIDE_MARGIN + TOLERANCE, (name, number, "text overflows", right)
        assert bottom >= 0 and top <= height, (name, number, "text off the page")
    # Lines of the page's body (between the header and footer strips).
    body_lines = {
        round(top)
        for left, bottom, right, top in page["boxes"]
        if right - left > 0 and 20 * MM < top < height - 18 * MM
    }
    assert len(body_lines) >= 3, (name, number, "a page with a stray line or two", body_lines)
    words = " ".join(page["text"].split())
    assert not RAW_CODE.search(words), (name, number, RAW_CODE.search(words).group(0))
    assert "Confidential: contains patient data" in words
    assert re.search(r"Page \d+ of \d+", words)


def test_every_summary_and_letter_page_is_rendered_and_fits(meeting_data):
    data, board = meeting_data
    summary, letters = summary_documents(data=data, version=1, generated_at=timezone.now())

    pages = _pages("meeting-summary", summary)
    assert len(pages) >= 5  # the meeting, then a page or more per case
    for number, page in enumerate(pages, start=1):
        _check_page("meeting-summary", number, page)
    whole = " ".join(" ".join(page["text"].split()) for page in pages)
    # What the record used to leave out, printed, in words.
    assert "Work-up outstanding" in whole
    assert "Telling the patient:" in whole
    assert "The meeting was signed off by" in whole
    assert "Liver resection" in whole and "HEPATECTOMY" not in whole
    assert "Potentially resectable" in whole and "Second User" in whole  # the revealed votes
    # The liver panel's conclusion beside the pathway's resectability, with the reviews.
    assert "Liver expert panel" in whole and "RLP-0001" in whole
    assert "two-stage hepatectomy, after portal vein embolisation" in whole.lower()
    assert "resectable against permanently unresectable (major)" in whole

    for position, (item_id, letter) in enumerate(letters.items(), start=1):
        letter_pages = _pages(f"outcome-letter-{position}", letter)
        for number, page in enumerate(letter_pages, start=1):
            _check_page(f"outcome-letter-{position}", number, page)
        text = " ".join(" ".join(page["text"].split()) for page in letter_pages)
        assert "Liver Unit, Level 4" in text and "0100 000 0000" in text  # the letterhead
        assert "Copy" in text and "Dear Dr " in text
        if item_id == str(board["items"][0].pk):
            assert "I spoke to the patient's family after the meeting." in text
            assert "will tell your patient the decision by" in text


def test_no_table_row_or_block_is_split_across_pages(meeting_data):
    """Rows and blocks split between pages, as they did. Checked on WeasyPrint's own layout."""
    data, _ = meeting_data
    html = pdf.summary_html(data, generated_at=timezone.now(), version=1)
    weasyprint, fetcher, fonts, stylesheet = pdf._weasy()
    document = weasyprint.HTML(string=html, base_url=str(pdf.STATIC_DIR) + "/", url_fetcher=fetcher)
    rendered = document.render(stylesheets=[stylesheet], font_config=fonts)
    seen: dict[int, set[int]] = {}
    tables: dict[int, set[int]] = {}

    def walk(box, page_number):
        element = getattr(box, "element", None)
        kind = type(box).__name__
        if kind == "TableRowGroupBox" and getattr(box, "is_header", False):
            return  # a table's header row is repeated on each page it spans, on purpose
        if kind == "TableBox" and element is not None:
            tables.setdefault(id(element), set()).add(page_number)
        classes = (element.get("class") or "") if element is not None else ""
        if element is not None and (
            kind == "TableRowBox" or ("block" in classes.split() or "decision" in classes.split())
        ):
            seen.setdefault(id(element), set()).add(page_number)
        for child in getattr(box, "children", []) or []:
            walk(child, page_number)

    for number, page in enumerate(rendered.pages):
        walk(page._page_box, number)
    # The check means something only if a table did run over a page break.
    assert any(len(pages) > 1 for pages in tables.values())
    split = [pages for pages in seen.values() if len(pages) > 1]
    assert not split, f"{len(split)} rows or blocks run over a page break"
    assert len(rendered.pages) >= 5
