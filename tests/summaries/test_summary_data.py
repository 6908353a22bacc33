"""The data a summary renders (`summary_data`) and its content key: plain JSON, the same for an
unchanged meeting, different after any change the document would show, read in a fixed number
of queries however many cases; and the request rules built on it."""

import datetime
import json

import pytest
from django.utils import timezone

from apps.meetings.services import agenda_item_add
from apps.meetings.services.agenda_moves import agenda_item_move
from apps.patients.services import case_update
from apps.recommendations.services import recommendation_create
from apps.summaries.data import content_key, summary_data
from apps.summaries.generation import summary_documents
from apps.summaries.models import MeetingSummary
from apps.summaries.selectors import PENDING_REQUEUE_AFTER
from apps.summaries.services import summary_request
from tests.conftest import example
from tests.factories import CaseFactory, MeetingFactory
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(hospital, make_user):
    return build_summary_meeting(hospital, make_user, cases=2)


def test_summary_data_is_plain_json_with_a_stable_key(board):
    first = summary_data(meeting=board["meeting"])
    second = summary_data(meeting=board["meeting"])

    assert json.loads(json.dumps(first)) == first
    assert content_key(first) == content_key(second)
    assert len(content_key(first)) == 64
    assert [case["patient"]["mrn"] for case in first["cases"]] == ["SUMM-0001", "SUMM-0002"]
    assert first["draft"] is True
    assert first["quorum"]["quorate"] is True


def test_summary_data_key_changes_with_what_the_document_shows(board):
    before = content_key(summary_data(meeting=board["meeting"]))

    case_update(
        case=board["items"][0].case,
        data={"referring_clinician": "Dr Someone Else"},
        actor=board["coordinator"],
    )

    assert content_key(summary_data(meeting=board["meeting"])) != before


def test_summary_data_query_count_does_not_grow_with_cases(
    hospital, make_user, django_assert_max_num_queries
):
    small = build_summary_meeting(hospital, make_user, cases=1, mrn_prefix="S")["meeting"]
    large = build_summary_meeting(hospital, make_user, cases=4, mrn_prefix="L")["meeting"]

    # Ten, and the cases' liver panel conclusions: one query, and their reviews' when any.
    with django_assert_max_num_queries(12):
        summary_data(meeting=small)
    with django_assert_max_num_queries(12):
        summary_data(meeting=large)


def test_summary_data_case_moved_or_without_facts_still_renders(board, hospital):
    later = MeetingFactory(
        hospital=hospital, scheduled_for=board["meeting"].scheduled_for + datetime.timedelta(7)
    )
    no_facts = CaseFactory(patient__hospital=hospital, patient__mrn="SUMM-NOFACTS")
    agenda_item_add(meeting=board["meeting"], case=no_facts, actor=board["coordinator"])
    moved = agenda_item_add(
        meeting=board["meeting"],
        case=CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk"),
        actor=board["coordinator"],
    )
    agenda_item_move(item=moved, to_meeting=later, actor=board["coordinator"])

    data = summary_data(meeting=board["meeting"])
    pdf, letters = summary_documents(data=data, version=1, generated_at=timezone.now())

    by_mrn = {case["patient"]["mrn"]: case for case in data["cases"]}
    assert by_mrn["SUMM-NOFACTS"]["clinical"] is None
    assert by_mrn["SUMM-NOFACTS"]["recommendation"] is None
    assert by_mrn["SUMM-NOFACTS"]["decision"] is None
    assert by_mrn[moved.case.patient.mrn]["moved_to"]["title"] == later.title
    assert pdf.startswith(b"%PDF-")
    assert len(letters) == 4


def test_summary_request_numbers_versions_per_meeting(board, hospital, make_user):
    other = build_summary_meeting(hospital, make_user, cases=1, mrn_prefix="OTHER")

    first = summary_request(meeting=board["meeting"], actor=board["coordinator"])
    elsewhere = summary_request(meeting=other["meeting"], actor=other["coordinator"])

    assert (first.version, elsewhere.version) == (1, 1)
    assert first.content_key == content_key(first.data)
    assert first.requested_by == board["coordinator"]


def test_summary_request_requeues_a_pending_summary_whose_message_was_lost(
    board, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        summary = summary_request(meeting=board["meeting"], actor=board["coordinator"])
    assert len(queued) == 1
    with django_capture_on_commit_callbacks(execute=False) as fresh:
        summary_request(meeting=board["meeting"], actor=board["coordinator"])
    MeetingSummary.objects.filter(pk=summary.pk).update(
        updated_at=timezone.now() - PENDING_REQUEUE_AFTER - datetime.timedelta(minutes=1)
    )

    with django_capture_on_commit_callbacks(execute=True) as stale:
        again = summary_request(meeting=board["meeting"], actor=board["coordinator"])

    assert fresh == []  # a recent pending summary is left to its message
    assert len(stale) == 1
    assert again.pk == summary.pk
    assert MeetingSummary.objects.get(pk=summary.pk).status == "ready"


def test_the_printed_record_reads_in_ten_seconds_and_carries_the_new_facts(hospital, make_user):
    """The record opens each recommendation with its summary sentence and the primary with its
    regimen in one line, splits cautions from notes for information, and prints the planned
    resection and the treatment facts of crlm-2027.1."""
    board = build_summary_meeting(hospital, make_user, cases=0, mrn_prefix="READ")
    facts = example("progression-still-resectable-braf-mutant")
    facts["liver"]["planned_resection"] = "minor"
    facts["treatment"]["bevacizumab_in_course"] = True
    case = CaseFactory(patient__hospital=hospital, patient__mrn="READ-0001", facts=facts)
    snapshot = recommendation_create(case=case, actor=board["coordinator"])
    agenda_item_add(meeting=board["meeting"], case=case, actor=board["coordinator"])

    printed = summary_data(meeting=board["meeting"])["cases"][0]
    recommendation = printed["recommendation"]
    assert recommendation["summary"] == snapshot.result["summary"]
    assert recommendation["primary"]["line"] == (
        "Change to another line of systemic therapy: encorafenib with cetuximab (BRAF V600E)"
    )
    severities = {w["code"]: w["severity"] for w in snapshot.result["warnings"]}
    assert [w["code"] for w in recommendation["cautions"]] == [
        code for code, severity in severities.items() if severity == "caution"
    ]
    assert [w["code"] for w in recommendation["infos"]] == [
        code for code, severity in severities.items() if severity == "info"
    ]
    assert "minor hepatectomy (planned)" in recommendation["derived_line"]
    assert printed["clinical"]["liver"]["planned_resection"] == "Minor hepatectomy"
    assert printed["clinical"]["treatment"]["bevacizumab_in_course"] is True
