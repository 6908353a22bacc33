"""Which facts a summary prints: those of the recommendation snapshot it prints (the decision's,
else the case's newest), never the case's records as they stand when it is rendered, so that a
summary asked for after sign-off still shows what the board decided on; a later change of the
facts is noted with its date. Only a case never evaluated shows its current facts, saying so."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.imaging.liver_map import liver_map_svg
from apps.imaging.services import lesion_update
from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import action_update
from apps.meetings.services.sign_off import meeting_sign_off
from apps.patients.models import MdtCase
from apps.recommendations.services import recommendation_create
from apps.summaries import pdf
from apps.summaries.data import _clinical, summary_data
from apps.summaries.generation import summary_documents
from tests.factories import CaseFactory
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db

CHANGED_NOTE = "The case's facts were changed after this recommendation, on"
SAW_NOTE = "this summary shows the facts the board saw."
NO_RECOMMENDATION_NOTE = "No recommendation was made for this case"


@pytest.fixture
def board(hospital, make_user):
    return build_summary_meeting(hospital, make_user, cases=1)


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def _restage(board, size_mm=95):
    """After sign-off: new imaging of the case, entered for its next meeting, and an action of
    this meeting ticked off (so the summary is asked for again)."""
    case = board["items"][0].case
    lesion = case.liver_lesions.order_by("segment", "id").first()
    before = float(lesion.size_mm)
    lesion_update(lesion=lesion, data={"size_mm": size_mm}, actor=board["coordinator"])
    action_update(
        action=board["items"][0].actions.first(), actor=board["coordinator"], data={"done": True}
    )
    return lesion, before


def test_summary_after_sign_off_prints_the_facts_the_board_saw(board):
    meeting_sign_off(meeting=board["meeting"], actor=board["chair"])
    lesion, before = _restage(board)
    snapshot = board["items"][0].case.recommendations.get()

    data = summary_data(meeting=board["meeting"])
    case = data["cases"][0]
    summary, _ = summary_documents(data=data, version=2, generated_at=timezone.now())

    sizes = [found["size_mm"] for found in case["clinical"]["liver"]["lesions"]]
    assert before in sizes and 95 not in sizes
    assert case["clinical"] == _clinical(snapshot.facts)
    facts_updated_at = MdtCase.objects.get(pk=board["items"][0].case.pk).facts_updated_at
    changed = timezone.localtime(facts_updated_at).strftime("%Y-%m-%d %H:%M")
    assert case["clinical_source"] == {"recommendation": True, "facts_changed_at": changed}
    text = _text(summary)
    assert f"{CHANGED_NOTE} {changed}; {SAW_NOTE}" in text
    assert f"segment {lesion.segment} 95 mm" not in text
    assert f"segment {lesion.segment} {before:g} mm" in text


def test_summary_liver_map_draws_the_snapshot_lesions_with_its_plan(board):
    meeting_sign_off(meeting=board["meeting"], actor=board["chair"])
    _restage(board)
    snapshot = board["items"][0].case.recommendations.get()

    case = summary_data(meeting=board["meeting"])["cases"][0]
    drawn = pdf._with_map(case)["liver_map"]

    lesions = snapshot.facts["liver"]["lesions"]
    expected = liver_map_svg(
        lesions, snapshot.result.get("lesion_plan", []), label="Liver map, case 1"
    )
    assert drawn == expected
    assert "95 mm" not in drawn


def test_summary_prints_the_decision_snapshot_not_a_newer_one(board):
    """The decision was taken on the first snapshot; a newer evaluation of changed facts is not
    what the board saw."""
    item = board["items"][0]
    first = item.case.recommendations.get()
    _restage(board, size_mm=80)
    recommendation_create(case=item.case, actor=board["coordinator"])

    case = summary_data(meeting=board["meeting"])["cases"][0]

    assert case["recommendation"]["evaluated_at"] == timezone.localtime(first.created_at).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert case["clinical"] == _clinical(first.facts)
    assert case["clinical_source"]["facts_changed_at"] is not None


def test_summary_unchanged_facts_have_no_note(board):
    data = summary_data(meeting=board["meeting"])
    summary, _ = summary_documents(data=data, version=1, generated_at=timezone.now())

    assert data["cases"][0]["clinical_source"] == {
        "recommendation": True,
        "facts_changed_at": None,
    }
    text = _text(summary)
    assert CHANGED_NOTE not in text
    assert NO_RECOMMENDATION_NOTE not in text


def test_summary_case_never_evaluated_prints_its_current_facts_and_says_so(board, hospital):
    never = CaseFactory(
        patient__hospital=hospital,
        patient__mrn="SUMM-NOREC",
        facts="solitary-metachronous-low-risk",
    )
    agenda_item_add(meeting=board["meeting"], case=never, actor=board["coordinator"])

    data = summary_data(meeting=board["meeting"])
    case = next(case for case in data["cases"] if case["patient"]["mrn"] == "SUMM-NOREC")
    summary, _ = summary_documents(data=data, version=1, generated_at=timezone.now())

    assert case["recommendation"] is None
    assert case["clinical"] is not None
    assert case["clinical_source"] == {"recommendation": False, "facts_changed_at": None}
    assert NO_RECOMMENDATION_NOTE in _text(summary)
