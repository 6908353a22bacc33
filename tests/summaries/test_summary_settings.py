"""The test settings run Celery's tasks in-process whatever REDIS_URL the environment holds, so
the unit tests never depend on a broker nor write to one; only CELERY_TEST_BROKER_URL (which the
integration tests give their workers) points them at a real broker. Read in a fresh process,
since the settings are read once."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); "
    "from django.conf import settings; from config.celery_app import app; "
    "print(settings.CELERY_TASK_ALWAYS_EAGER, app.conf.broker_url, app.conf.result_backend)"
)


def _celery_settings(**env: str) -> list[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "CELERY_TEST_BROKER_URL")
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.test", **env)
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.split()


def test_settings_run_tasks_in_process_even_with_redis_url_set():
    assert _celery_settings(REDIS_URL="redis://127.0.0.1:1/0") == [
        "True",
        "memory://localhost/",
        "cache+memory://",
    ]


def test_settings_use_a_broker_only_when_the_integration_tests_ask():
    url = "redis://127.0.0.1:6379/13"
    assert _celery_settings(REDIS_URL="redis://127.0.0.1:1/0", CELERY_TEST_BROKER_URL=url) == [
        "False",
        url,
        url,
    ]
