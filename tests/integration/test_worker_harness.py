"""The integration tests' harness: a run's own Redis database, and workers that die with the
run even when pytest is killed outright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

from tests.integration.test_summary_worker import WATCHDOG, redis_db


def test_redis_db_is_the_environment_s_or_derived_from_the_test_database():
    assert redis_db({"SUMMARY_TEST_REDIS_DB": "7"}, "test_anything") == 7
    derived = {redis_db({}, f"test_run_{index}") for index in range(200)}
    assert derived <= set(range(1, 16))  # never 0, the application's database
    assert len(derived) > 10  # spread over the databases
    assert redis_db({}, "test_fix6") == redis_db({}, "test_fix6")
    assert redis_db({}, "test_fix6") != redis_db({}, "test_fix7")


def _alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by its new parent, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


# A stand-in for pytest: starts a watched "worker" (sleep) in a session of its own, prints the
# worker's pid, and dies without cleaning up, as a SIGKILLed pytest would.
PARENT = """
import os, subprocess, sys, time
watchdog = subprocess.Popen(
    [sys.executable, sys.argv[1], str(os.getpid()), "sleep", "600"], start_new_session=True
)
time.sleep(1.5)
children = open(f"/proc/{watchdog.pid}/task/{watchdog.pid}/children").read().split()
print(watchdog.pid, children[0], flush=True)
os.kill(os.getpid(), 9)
"""


def test_worker_watchdog_kills_the_worker_when_the_test_run_is_killed():
    parent = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", PARENT, str(WATCHDOG)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert parent.returncode == -signal.SIGKILL
    watchdog, worker = (int(pid) for pid in parent.stdout.split())

    deadline = time.monotonic() + 10
    while (_alive(worker) or _alive(watchdog)) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not _alive(worker)
    assert not _alive(watchdog)


def test_worker_watchdog_passes_the_worker_s_exit_status_on():
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, str(WATCHDOG), str(os.getpid()), sys.executable, "-c", "exit(3)"],
        timeout=30,
    )
    assert done.returncode == 3


def test_the_lock_of_a_run_killed_outright_is_taken_over_a_live_ones_is_not():
    from tests.integration import test_summary_worker as harness

    connection = redis.Redis.from_url(harness.REDIS_URL)
    try:
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        host = socket.gethostname()
        connection.set(harness.LOCK_KEY, f"{host}:{dead.pid}:killed", ex=60)
        assert harness._take_lock(connection, f"{host}:{os.getpid()}:me")
        assert connection.get(harness.LOCK_KEY) == f"{host}:{os.getpid()}:me".encode()

        connection.set(harness.LOCK_KEY, f"{host}:{os.getppid()}:alive", ex=60)
        assert not harness._take_lock(connection, f"{host}:{os.getpid()}:me")
        connection.set(harness.LOCK_KEY, f"elsewhere:{dead.pid}:other-machine", ex=60)
        assert not harness._take_lock(connection, f"{host}:{os.getpid()}:me")
    finally:
        # Only a lock this test wrote: another run's is left alone.
        holder = (connection.get(harness.LOCK_KEY) or b"").decode()
        if holder.endswith((":me", ":alive", ":other-machine", ":killed")):
            connection.delete(harness.LOCK_KEY)
        connection.close()
