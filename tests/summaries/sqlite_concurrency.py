"""The concurrent summary requests of test_summary_concurrency.py, on the embedded SQLite default
(a throwaway file, the settings `make run` uses apart from DEBUG). Run in its own process, since
the suite's database is PostgreSQL. Prints each answer's status; exits 1 unless every request
answered 200 or 202 and the meeting was rendered once."""

from __future__ import annotations

import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway_django  # noqa: E402

REQUESTS = 20


def main() -> int:
    with throwaway_django("summaryconc", postgres_url="", sqlite=True):
        from django.db import connection
        from django.urls import reverse
        from rest_framework.test import APIClient

        from apps.summaries.models import MeetingSummary
        from tests.factories import HospitalFactory, UserFactory
        from tests.integration.summary_meeting import build_summary_meeting

        hospital = HospitalFactory()

        def make_user(role, *, specialty="other"):
            return UserFactory(role=role, hospital=hospital, hospital__specialty=specialty)

        board = build_summary_meeting(hospital, make_user, cases=2)
        users = [board["coordinator"], board["chair"], board["oncologist"], board["radiologist"]]
        url = reverse("api:meeting-summary", args=[board["meeting"].pk])

        def ask(index: int) -> int:
            client = APIClient(HTTP_HOST="127.0.0.1")
            client.force_authenticate(users[index % len(users)])
            try:
                return client.post(url).status_code
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
            statuses = list(pool.map(ask, range(REQUESTS)))
        summaries = list(MeetingSummary.objects.filter(meeting=board["meeting"]))
        print("statuses", dict(Counter(statuses)))
        print("summaries", [(s.version, s.status, s.attempts) for s in summaries])
        held = set(statuses) <= {200, 202} and len(summaries) == 1
        held = held and summaries[0].status == "ready" and summaries[0].attempts == 1
        return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
