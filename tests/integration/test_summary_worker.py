"""The printable summary with a real Celery worker and the real Redis: nothing here is
in-process. Each test starts `celery -A config worker` as a subprocess on a Redis database of
its own (REDIS_DB, flushed first) and on the test database, sends the task from this process
through that Redis, and reads the outcome through the API, as a client would.

1. A meeting of several cases: POST, poll until ready, download the PDF, read each patient's
   MRN, decision and a citation in its text.
2. The worker is killed (SIGKILL, no warm shutdown) while the task runs: the message was
   acknowledged late, so Redis delivers it again once the visibility timeout has passed
   (CELERY_VISIBILITY_TIMEOUT, short here), and a new worker completes the same summary.
   SUMMARY_RENDER_DELAY_SECONDS holds the first worker mid-render so that the kill lands there.

Both need PostgreSQL and Redis on 127.0.0.1 (`make services`); the test data are committed
(transactional test), since the worker reads them over its own connection.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from apps.meetings.models import MeetingSummary
from config.celery_app import app as celery_app
from tests.integration.summary_meeting import build_summary_meeting

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
REDIS_DB = 9  # only these tests use it
REDIS_URL = f"redis://{os.environ.get('REDIS_HOST', '127.0.0.1')}:6379/{REDIS_DB}"
VISIBILITY_TIMEOUT = 5

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    database = settings.DATABASES["default"]  # the test database while a test runs
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


class Worker:
    """A `celery worker` subprocess in its own process group, logging to a file."""

    def __init__(self, **env: str) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="summary-worker-", suffix=".log")  # noqa: SIM115
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": REDIS_URL,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "CONN_MAX_AGE": "0",
            **env,
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                "default",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-n",
                f"summaries-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Start workers with `workers.append(Worker(...))`; each is killed after the test."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.kill()
        worker.log.close()


def _drop_connections() -> None:
    """Forget the app's broker connections and result backend: Celery makes them on first use
    (an in-process task of an earlier test makes the in-memory ones) and keeps them whatever
    the configuration says afterwards."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def real_broker() -> Iterator[None]:
    """This process sends its tasks through the test's Redis database (flushed first) instead of
    running them in-process; the app's configuration is restored afterwards."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL}: run `make services`.")
    connection.flushdb()
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}
    _drop_connections()
    celery_app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    try:
        yield
    finally:
        _drop_connections()
        celery_app.conf.update(saved)
        connection.flushdb()
        connection.close()


@pytest.fixture
def board(hospital, make_user) -> dict[str, Any]:
    return build_summary_meeting(hospital, make_user, cases=3)


def _status(client: Any, meeting: Any) -> dict[str, Any]:
    response = client.get(reverse("api:meeting-summary", args=[meeting.id]))
    assert response.status_code == 200, response.content
    return response.json()


def _wait_for(
    condition: Any, *, timeout: float, workers: list[Worker], what: str
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    logs = "\n---\n".join(worker.output() for worker in workers)
    pytest.fail(f"Timed out waiting for {what}. Worker logs:\n{logs}")


def _pdf_text(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    return " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )


def test_summary_worker_renders_a_meeting_of_several_cases(real_broker, workers, board, client_for):
    workers.append(Worker())
    client = client_for(board["coordinator"], token=True)
    meeting = board["meeting"]

    posted = client.post(reverse("api:meeting-summary", args=[meeting.id]))
    assert posted.status_code == 202, posted.content
    assert posted.json()["status"] == "pending"

    status = _wait_for(
        lambda: (s := _status(client, meeting))["status"] in ("ready", "failed") and s,
        timeout=60,
        workers=workers,
        what="the summary to be ready",
    )
    assert status["status"] == "ready", status["error"]
    assert status["attempts"] == 1
    text = _pdf_text(client, status["download_url"])
    for index, item in enumerate(board["items"], start=1):
        assert item.case.patient.mrn in text
        assert f"Board plan for case {index}." in text
    assert "Agrees with the recommendation" in text
    assert "2) Hepatic Resection" in text  # a citation: its section...
    assert "Karaoğlan BB et al." in text  # ...and its source
    assert "Confidential: contains patient data" in text
    assert len(status["letters"]) == 3
    letter = _pdf_text(client, status["letters"][0]["download_url"])
    assert board["items"][0].case.patient.mrn in letter


def test_summary_worker_killed_mid_task_loses_no_summary(real_broker, workers, board, client_for):
    # Long enough that the kill surely lands mid-render; the second worker does not wait.
    workers.append(Worker(SUMMARY_RENDER_DELAY_SECONDS="60"))
    client = client_for(board["coordinator"], token=True)
    meeting = board["meeting"]

    posted = client.post(reverse("api:meeting-summary", args=[meeting.id]))
    assert posted.status_code == 202, posted.content
    summary = MeetingSummary.objects.defer("pdf", "data")
    _wait_for(
        lambda: summary.get(pk=posted.json()["id"]).status == "running",
        timeout=30,
        workers=workers,
        what="the first worker to start rendering",
    )
    workers[0].kill()
    killed = summary.get(pk=posted.json()["id"])
    assert killed.status == "running"
    assert killed.attempts == 1

    workers.append(Worker())
    status = _wait_for(
        lambda: (s := _status(client, meeting))["status"] in ("ready", "failed") and s,
        timeout=60,
        workers=workers,
        what="the redelivered task to complete the summary",
    )

    assert status["status"] == "ready", status["error"]
    assert status["id"] == posted.json()["id"]
    assert status["version"] == 1
    assert status["attempts"] >= 2
    text = _pdf_text(client, status["download_url"])
    for item in board["items"]:
        assert item.case.patient.mrn in text
