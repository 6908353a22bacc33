"""The printable summary with a real Celery worker and the real Redis: nothing here is
in-process. Each test starts `celery -A config worker` as a subprocess on a Redis database of
its own (REDIS_DB, flushed first) and on the test database, sends the task from this process
through that Redis, and reads the outcome through the API, as a client would.

Two runs on one machine must not share the Redis database (each flushes it): REDIS_DB is
SUMMARY_TEST_REDIS_DB when set, else derived from the test database's name (TEST_DATABASE_NAME,
which already separates runs) as a number from 1 to 15 (0 is the application's). Two names can
hash alike: each test takes a lock key in its database first and stops, saying so, when another
run that is still alive holds it (the lock of a run killed outright is taken over); set
SUMMARY_TEST_REDIS_DB then. A database holding keys these tests did not write (no marker key) is
never flushed: the test stops and asks for another.

Workers never outlive the run: each is killed (its process group) after its test, an atexit
handler kills any left when pytest exits, and each runs under worker_watchdog.py, which kills
it when pytest itself is killed (SIGKILL), when neither of the others can run.

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

import atexit
import contextlib
import hashlib
import io
import os
import signal
import socket
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

from apps.summaries.models import MeetingSummary
from tests.integration.celery_broker import celery_broker
from tests.integration.summary_meeting import build_summary_meeting

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
WATCHDOG = Path(__file__).with_name("worker_watchdog.py")


def redis_db(environ: Any, test_database: str) -> int:
    """SUMMARY_TEST_REDIS_DB, else a database from 1 to 15 derived from the test database's
    name: two runs with their own test databases get, most likely, their own Redis databases."""
    if environ.get("SUMMARY_TEST_REDIS_DB"):
        return int(environ["SUMMARY_TEST_REDIS_DB"])
    return 1 + int(hashlib.sha256(test_database.encode()).hexdigest(), 16) % 15


REDIS_DB = redis_db(os.environ, settings.DATABASES["default"]["TEST"]["NAME"])
REDIS_URL = f"redis://{os.environ.get('REDIS_HOST', '127.0.0.1')}:6379/{REDIS_DB}"
LOCK_KEY = "tumorboard-summary-tests:owner"
# Set in a database these tests have used: they flush only a database that is empty or has it,
# never one that something else keeps its data in.
MARKER_KEY = "tumorboard-summary-tests:marker"
LOCK_SECONDS = 15 * 60  # longer than these tests; a run killed outright frees it then
VISIBILITY_TIMEOUT = 5

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    database = settings.DATABASES["default"]  # the test database while a test runs
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


_LIVE: set[Worker] = set()


@atexit.register
def _kill_live_workers() -> None:
    """Pytest exits (an interrupted run included) with no worker left behind."""
    for worker in list(_LIVE):
        worker.kill()


class Worker:
    """A `celery worker` subprocess, under the watchdog, in its own process group, logging to a
    file."""

    def __init__(self, **env: str) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="summary-worker-", suffix=".log")  # noqa: SIM115
        environment = {
            **{key: value for key, value in os.environ.items() if key != "REDIS_URL"},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            # The test settings run tasks in-process unless told otherwise.
            "CELERY_TEST_BROKER_URL": REDIS_URL,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "CONN_MAX_AGE": "0",
            **env,
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
            [
                sys.executable,
                str(WATCHDOG),
                str(os.getpid()),
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
        _LIVE.add(self)

    def kill(self) -> None:
        # Once the group's leader (the watchdog) is reaped its id may be reused: signal only a
        # group whose leader is still ours.
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # the watchdog leads the group
            self.process.wait(timeout=10)
        _LIVE.discard(self)

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


@pytest.fixture
def real_broker() -> Iterator[None]:
    """This process sends its tasks through the run's Redis database (taken, then flushed)
    instead of running them in-process; the app's configuration is restored afterwards."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL}: run `make services`.")
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
    if not _take_lock(connection, owner):
        pytest.fail(
            f"Redis database {REDIS_DB} is in use by another test run that is still running "
            f"({LOCK_KEY}): wait for it, or set SUMMARY_TEST_REDIS_DB to a free database (1-15)."
        )
    ours = False
    try:
        if not connection.exists(MARKER_KEY) and _others(connection):
            pytest.fail(
                f"Redis database {REDIS_DB} holds data these tests did not write: set "
                "SUMMARY_TEST_REDIS_DB to an empty database (1-15); it is flushed."
            )
        connection.set(MARKER_KEY, "1")
        ours = True
        _flush_but_ours(connection)
        with celery_broker(REDIS_URL):
            yield
    finally:
        if ours:
            _flush_but_ours(connection)
        if connection.get(LOCK_KEY) == owner.encode():
            connection.delete(LOCK_KEY)
        connection.close()


def _take_lock(connection: Any, owner: str) -> bool:
    """Take the database for this test; take it over from a run that was killed outright (its
    process on this machine is gone), instead of waiting for the lock to expire."""
    if connection.set(LOCK_KEY, owner, nx=True, ex=LOCK_SECONDS):
        return True
    holder = (connection.get(LOCK_KEY) or b"").decode()
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or _alive(int(pid)):
        return False
    with connection.pipeline() as pipe:
        try:
            pipe.watch(LOCK_KEY)
            if (pipe.get(LOCK_KEY) or b"").decode() != holder:
                return False
            pipe.multi()
            pipe.set(LOCK_KEY, owner, ex=LOCK_SECONDS)
            pipe.execute()
        except redis.WatchError:
            return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _others(connection: Any) -> list[bytes]:
    ours = {LOCK_KEY.encode(), MARKER_KEY.encode()}
    return [key for key in connection.scan_iter() if key not in ours]


def _flush_but_ours(connection: Any) -> None:
    keys = _others(connection)
    if keys:
        connection.delete(*keys)


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
