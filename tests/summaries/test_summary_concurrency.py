"""Many people ask for the printable summary at once (the coordinator and every clinician as the
meeting ends): every request answers 200 or 202, never a deadlock's 500, and the meeting is
rendered once. Real concurrent transactions on PostgreSQL: each thread has its own connection,
and the in-process render runs after its request commits, as without a broker."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from apps.summaries.models import MeetingSummary
from tests.integration.summary_meeting import build_summary_meeting

REQUESTS = 20


@pytest.mark.django_db(transaction=True)
def test_simultaneous_summary_requests_all_answer_and_render_once(hospital, make_user):
    board = build_summary_meeting(hospital, make_user, cases=2)
    users = [board["coordinator"], board["chair"], board["oncologist"], board["radiologist"]]
    url = reverse("api:meeting-summary", args=[board["meeting"].pk])

    def ask(index):
        client = APIClient()
        client.force_authenticate(users[index % len(users)])
        try:
            response = client.post(url)
            return response.status_code, response.content[:300]
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        answers = list(pool.map(ask, range(REQUESTS)))

    assert [status for status, _ in answers if status not in (200, 202)] == [], answers
    summaries = MeetingSummary.objects.filter(meeting=board["meeting"])
    assert summaries.count() == 1
    assert summaries.get().status == "ready"
    assert summaries.get().attempts == 1  # rendered once


def test_simultaneous_summary_requests_hold_on_the_embedded_sqlite():
    """The same on the SQLite file `make run` uses: immediate transactions and a busy timeout
    instead of "database is locked"."""
    completed = subprocess.run(  # noqa: S603 (this repository's own script)
        [sys.executable, str(Path(__file__).with_name("sqlite_concurrency.py"))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr[-3000:]
    assert "statuses" in completed.stdout
