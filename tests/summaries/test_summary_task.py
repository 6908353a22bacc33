"""The summary task's reliability rules, run in-process (the test settings run Celery's tasks and
their retries eagerly): a failed attempt is retried, the last failure marks the summary failed
with a readable error that names no patient, a failed summary is rendered again on request, a
delivery that finds the summary ready does nothing, a summary nothing will finish (stuck) is
queued again on request, a task redelivered too often gives up, and a broker that cannot be
reached fails the summary, not the request. The renderer is made to fail by replacing
it; the worker and the database are real (the killed-worker case is tests/integration)."""

import contextlib
import datetime
import socket
import threading
import time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.summaries import pdf
from apps.summaries.generation import ATTEMPTS_EXHAUSTED, MAX_ATTEMPTS
from apps.summaries.models import MeetingSummary
from apps.summaries.selectors import RUNNING_SLACK
from apps.summaries.services import BROKER_UNREACHABLE, summary_request
from apps.summaries.tasks import MAX_RETRIES, summary_render
from tests.integration.celery_broker import celery_broker
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


# --- a summary nothing will finish ---------------------------------------------------------------


def _stall(summary, *, status, ago):
    """The row as a lost task leaves it: `status` since `ago`."""
    moment = timezone.now() - ago
    MeetingSummary.objects.filter(pk=summary.pk).update(
        status=status, started_at=moment if status == "running" else None, updated_at=moment
    )


def _past_time_limit():
    return (
        datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        + RUNNING_SLACK
        + datetime.timedelta(minutes=1)
    )


def test_summary_running_past_the_time_limit_is_stuck_and_queued_again(
    board, client_for, django_capture_on_commit_callbacks
):
    """An eager web process that died mid-render, a lost message, a render past its hard time
    limit: the row stays running and no delivery will come before the visibility timeout."""
    summary = summary_request(meeting=board["meeting"], actor=board["coordinator"])  # not run
    _stall(summary, status="running", ago=_past_time_limit())
    client = client_for(board["coordinator"])
    stuck = client.get(reverse("api:meeting-summary", args=[board["meeting"].id])).json()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        posted = client.post(reverse("api:meeting-summary", args=[board["meeting"].id]))

    assert stuck["status"] == "running"
    assert stuck["stuck"] is True
    assert posted.status_code == 202
    assert len(queued) == 1
    again = MeetingSummary.objects.get(pk=summary.pk)
    assert again.status == "ready"
    assert again.attempts == 1  # a new round of attempts
    assert MeetingSummary.objects.filter(meeting=board["meeting"]).count() == 1


def test_summary_running_within_the_time_limit_is_left_alone(
    board, client_for, django_capture_on_commit_callbacks
):
    summary = summary_request(meeting=board["meeting"], actor=board["coordinator"])
    _stall(summary, status="running", ago=datetime.timedelta(minutes=1))
    client = client_for(board["coordinator"])

    with django_capture_on_commit_callbacks(execute=True) as queued:
        posted = client.post(reverse("api:meeting-summary", args=[board["meeting"].id]))

    assert posted.status_code == 202
    assert posted.json()["stuck"] is False
    assert queued == []
    assert MeetingSummary.objects.get(pk=summary.pk).status == "running"


# --- a task that kills its worker ----------------------------------------------------------------


def test_summary_started_too_often_fails_without_rendering(
    board, failing_renderer, django_capture_on_commit_callbacks
):
    """Each redelivery after a killed worker counts an attempt (Celery's retry count does not
    see them); past MAX_ATTEMPTS the next delivery gives up instead of rendering again."""
    failing_renderer.failures = 0
    summary = summary_request(meeting=board["meeting"], actor=board["coordinator"])
    MeetingSummary.objects.filter(pk=summary.pk).update(status="running", attempts=MAX_ATTEMPTS)

    outcome = summary_render.delay(str(summary.pk)).get()

    given_up = MeetingSummary.objects.get(pk=summary.pk)
    assert outcome == "given up"
    assert failing_renderer.calls == 0
    assert given_up.status == "failed"
    assert given_up.error == ATTEMPTS_EXHAUSTED
    assert given_up.attempts == MAX_ATTEMPTS
    # Asked again, it gets a new round of attempts and renders.
    again = _request(board, django_capture_on_commit_callbacks)
    assert (again.pk, again.status, again.attempts) == (summary.pk, "ready", 1)


def test_summary_attempts_limit_matches_the_task_retries():
    assert MAX_RETRIES + 1 == MAX_ATTEMPTS


# --- broker down ---------------------------------------------------------------------------------

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.mark.django_db(transaction=True)
def test_summary_broker_down_answers_503_and_fails_the_summary(
    hospital, make_user, client_for, caplog
):
    """The task is sent after the request commits (on_commit, inside the request): a broker
    that cannot be reached marks the summary failed with a readable error, and the request
    answers quickly 503 with Retry-After and the same message (not 202: nothing is queued);
    nothing about the patients is logged. Asking again, with the broker back, queues it
    again."""
    board = build_summary_meeting(hospital, make_user, cases=1)
    client = client_for(board["coordinator"])
    client.raise_request_exception = False
    url = reverse("api:meeting-summary", args=[board["meeting"].id])

    with celery_broker(CLOSED_PORT):
        started = time.monotonic()
        posted = client.post(url)
        elapsed = time.monotonic() - started

    assert posted.status_code == 503, posted.content
    assert posted["Retry-After"] == "30"
    assert posted.json()["message"] == BROKER_UNREACHABLE
    assert elapsed < 10
    status = client.get(url).json()
    assert status["status"] == "failed"
    assert status["error"] == BROKER_UNREACHABLE
    assert status["stuck"] is False
    assert "could not be queued (OperationalError)" in caplog.text
    patient = board["items"][0].case.patient
    assert patient.mrn not in caplog.text
    assert patient.family_name not in caplog.text

    again = client.post(url)  # in-process again: the broker is "back"
    assert again.status_code == 202
    assert client.get(url).json()["status"] == "ready"


def test_summary_task_ignores_its_result():
    """The status lives in the database: no result is stored, and queueing does not
    subscribe to a result backend (one more connection that can hang)."""
    assert summary_render.ignore_result is True


@pytest.fixture
def silent_broker():
    """A server that accepts connections and never answers: a frozen broker, or a half-open
    connection after a network split."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.mark.django_db(transaction=True)
def test_summary_silent_broker_does_not_hang_the_request(
    hospital, make_user, client_for, silent_broker
):
    board = build_summary_meeting(hospital, make_user, cases=1)
    client = client_for(board["coordinator"])
    url = reverse("api:meeting-summary", args=[board["meeting"].id])

    with celery_broker(silent_broker):
        started = time.monotonic()
        posted = client.post(url)
        elapsed = time.monotonic() - started

    assert posted.status_code == 503, posted.content
    assert elapsed < 30  # the socket timeout (5 s) and one retry, not for ever
    assert client.get(url).json()["error"] == BROKER_UNREACHABLE
