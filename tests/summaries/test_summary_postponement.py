"""A postponed or carried-over case in the printed summary: its reason and where it went (or
came from) in words, rather than only "no decision"."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.meetings.services import agenda_item_add
from apps.meetings.services.agenda_moves import agenda_item_move, agenda_item_postpone
from apps.summaries.data import summary_data
from apps.summaries.generation import summary_documents
from tests.factories import CaseFactory, MeetingFactory
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def _summary_text(meeting) -> str:
    data = summary_data(meeting=meeting)
    pdf, _ = summary_documents(data=data, version=1, generated_at=timezone.now())
    return _text(pdf)


@pytest.fixture
def board(hospital, make_user):
    board = build_summary_meeting(hospital, make_user, cases=1)
    board["later"] = MeetingFactory(
        hospital=hospital,
        title="Liver MDT later",
        scheduled_for=board["meeting"].scheduled_for + datetime.timedelta(days=7),
    )
    return board


def _by_mrn(meeting):
    return {case["patient"]["mrn"]: case for case in summary_data(meeting=meeting)["cases"]}


def test_summary_gives_the_postponement_reason_and_the_later_meeting(board, hospital):
    coordinator, later = board["coordinator"], board["later"]
    item = agenda_item_add(
        meeting=board["meeting"], case=CaseFactory(patient__hospital=hospital), actor=coordinator
    )
    agenda_item_postpone(item=item, reason="imaging_not_ready", actor=coordinator, to_meeting=later)
    when = timezone.localtime(later.scheduled_for).strftime("%Y-%m-%d %H:%M")
    expected = f"Postponed: imaging not ready; carried to Liver MDT later {when}"

    assert _by_mrn(board["meeting"])[item.case.patient.mrn]["waiting"]["here"] == expected
    text = _summary_text(board["meeting"])
    assert f"{expected}: not discussed at this meeting." in text
    assert "No decision recorded" not in text  # the other case is decided; this one waits

    carried = _by_mrn(later)[item.case.patient.mrn]["waiting"]
    first = timezone.localtime(board["meeting"].scheduled_for).strftime("%Y-%m-%d %H:%M")
    assert carried == {
        "here": "",
        "earlier": (
            f"Carried from {board['meeting'].title} {first} (postponed: imaging not ready)"
        ),
    }
    assert carried["earlier"] in _summary_text(later)


def test_summary_postponed_for_other_reason_waits_in_words(board, hospital):
    item = agenda_item_add(
        meeting=board["meeting"],
        case=CaseFactory(patient__hospital=hospital),
        actor=board["coordinator"],
    )
    agenda_item_postpone(
        item=item,
        reason="other",
        reason_detail="Awaiting the family meeting",
        actor=board["coordinator"],
    )
    waiting = _by_mrn(board["meeting"])[item.case.patient.mrn]["waiting"]
    assert waiting["here"] == (
        "Postponed: other (Awaiting the family meeting); waiting for a later meeting"
    )


def test_summary_moved_without_a_reason_says_where(board, hospital):
    item = agenda_item_add(
        meeting=board["meeting"],
        case=CaseFactory(patient__hospital=hospital),
        actor=board["coordinator"],
    )
    agenda_item_move(item=item, to_meeting=board["later"], actor=board["coordinator"])
    waiting = _by_mrn(board["meeting"])[item.case.patient.mrn]["waiting"]
    assert waiting["here"].startswith("Moved to Liver MDT later ")
    assert _by_mrn(board["meeting"])[board["items"][0].case.patient.mrn]["waiting"] == {
        "here": "",
        "earlier": "",
    }
