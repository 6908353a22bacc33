"""The summary task's reliability rules, run in-process (no REDIS_URL: Celery runs the task and
its retries eagerly): a failed attempt is retried, the last failure marks the summary failed
with a readable error that names no patient, a failed summary is rendered again on request, and
a delivery that finds the summary ready does nothing. The renderer is made to fail by replacing
it; the worker and the database are real (the killed-worker case is tests/integration)."""

import pytest
from django.urls import reverse

from apps.meetings import pdf
from apps.meetings.models import MeetingSummary
from apps.meetings.services.summaries import summary_request
from apps.meetings.tasks import MAX_RETRIES, summary_render
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(hospital, make_user):
    return build_summary_meeting(hospital, make_user, cases=2)


class RendererBroken(Exception):
    """Stands for a rendering failure; its text holds what an exception might quote."""


@pytest.fixture
def failing_renderer(monkeypatch, board):
    """The summary renderer fails its first `failures` calls, quoting the first patient's MRN
    (as a real error might quote the document); set `failures` on the returned object."""
    real = pdf.render_summary_pdf
    mrn = board["items"][0].case.patient.mrn

    class Renderer:
        failures = 10**6
        calls = 0

        def __call__(self, *args, **kwargs):
            self.calls += 1
            if self.calls <= self.failures:
                raise RendererBroken(f"cannot lay out MRN {mrn}")
            return real(*args, **kwargs)

    renderer = Renderer()
    monkeypatch.setattr(pdf, "render_summary_pdf", renderer)
    return renderer


def _request(board, capture):
    with capture(execute=True):
        summary = summary_request(meeting=board["meeting"], actor=board["coordinator"])
    return MeetingSummary.objects.get(pk=summary.pk)


def test_summary_task_failing_every_attempt_marks_the_summary_failed(
    board, failing_renderer, django_capture_on_commit_callbacks, client_for
):
    summary = _request(board, django_capture_on_commit_callbacks)

    assert summary.status == "failed"
    assert summary.attempts == MAX_RETRIES + 1
    assert failing_renderer.calls == MAX_RETRIES + 1
    assert "RendererBroken" in summary.error
    assert f"{MAX_RETRIES + 1} attempts" in summary.error
    assert board["items"][0].case.patient.mrn not in summary.error
    assert summary.pdf is None
    status = client_for(board["coordinator"]).get(
        reverse("api:meeting-summary", args=[board["meeting"].id])
    )
    assert status.json()["status"] == "failed"
    assert status.json()["error"] == summary.error
    assert status.json()["download_url"] is None


def test_summary_task_logs_no_patient_data(
    board, failing_renderer, django_capture_on_commit_callbacks, caplog
):
    _request(board, django_capture_on_commit_callbacks)

    assert "RendererBroken" in caplog.text
    for item in board["items"]:
        assert item.case.patient.mrn not in caplog.text
        assert item.case.patient.family_name not in caplog.text


def test_summary_task_retries_after_a_failed_attempt(
    board, failing_renderer, django_capture_on_commit_callbacks
):
    failing_renderer.failures = 2

    summary = _request(board, django_capture_on_commit_callbacks)

    assert summary.status == "ready"
    assert summary.attempts == 3
    assert summary.error == ""
    assert summary.letters.count() == 2


def test_summary_failed_is_rendered_again_on_the_same_row_when_asked_again(
    board, failing_renderer, django_capture_on_commit_callbacks
):
    failed = _request(board, django_capture_on_commit_callbacks)
    failing_renderer.failures = 0  # fixed

    again = _request(board, django_capture_on_commit_callbacks)

    assert failed.status == "failed"
    assert again.pk == failed.pk
    assert again.version == 1
    assert again.status == "ready"
    assert again.error == ""
    assert MeetingSummary.objects.filter(meeting=board["meeting"]).count() == 1


def test_summary_task_delivered_again_after_ready_does_nothing(
    board, django_capture_on_commit_callbacks
):
    summary = _request(board, django_capture_on_commit_callbacks)

    outcome = summary_render.delay(str(summary.pk)).get()

    again = MeetingSummary.objects.get(pk=summary.pk)
    assert outcome == "already ready"
    assert again.attempts == summary.attempts == 1
    assert again.checksum == summary.checksum
    assert again.finished_at == summary.finished_at


def test_summary_task_for_a_deleted_or_malformed_summary_gives_up_quietly(db):
    assert summary_render.delay("00000000-0000-0000-0000-000000000000").get() == "gone"
    assert summary_render.delay("not-a-uuid").get() == "gone"


def test_summary_running_row_is_finished_by_a_second_delivery(
    board, django_capture_on_commit_callbacks
):
    """A worker that died mid-render leaves the row running; the redelivered message (tested
    with a real worker in tests/integration) renders it and counts the attempt."""
    summary = summary_request(meeting=board["meeting"], actor=board["coordinator"])
    MeetingSummary.objects.filter(pk=summary.pk).update(status="running", attempts=1)

    assert summary_render.delay(str(summary.pk)).get() == "ready"

    again = MeetingSummary.objects.get(pk=summary.pk)
    assert again.status == "ready"
    assert again.attempts == 2
