"""Run a command and kill it, with this whole process group, once the test run that started it
is gone.

    python worker_watchdog.py <parent pid> <command> [arguments...]

The integration tests start each Celery worker through this script, in a session of its own
(start_new_session): they kill the group themselves after each test, and an atexit handler kills
what is left when pytest exits. Neither runs when pytest is killed outright (SIGKILL, a CI
timeout), and Python's standard library has no prctl(PR_SET_PDEATHSIG); this script covers that
case: once its parent is no longer the test run (it was re-parented), it kills its group, the
worker included, within a second. Standard library only: it runs before Django is set up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

POLL_SECONDS = 0.5


def main() -> int:
    parent = int(sys.argv[1])
    worker = subprocess.Popen(sys.argv[2:])  # noqa: S603 - the test's own command line
    while worker.poll() is None:
        if os.getppid() != parent:
            os.killpg(0, signal.SIGKILL)  # this group: the worker, its children and this script
        time.sleep(POLL_SECONDS)
    return worker.returncode


if __name__ == "__main__":
    sys.exit(main())
