"""Benchmark of the live updates: what one open meeting page costs the server each second.

    .venv/bin/python bench/live.py [--items 10 40] [--requests 400] [--postgres URL | --sqlite]

Every open meeting page (meeting, review, presentation) polls /meetings/{id}/live/ once a
second. In a throwaway database (PostgreSQL by default, the server the tests use, or a temporary
SQLite file with `--sqlite`) it builds a meeting with `--items` agenda cases, each with a
recommendation snapshot, three surgeons' votes and a decision, then answers the poll through
Django's whole request path (session, middleware, view) in process: the usual answer, a 304 to
a page that is current, and the 200 with the state after a change. It prints the median and p99
of each, the queries each made, and the size of the 200's body.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway_django  # noqa: E402

SHARED_DIR = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
EXAMPLE = SHARED_DIR / "pathways" / "examples" / "solitary-metachronous-low-risk.json"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _build(items: int) -> tuple[Any, Any]:
    """A meeting of `items` cases in a fictional hospital; returns it and its coordinator."""
    import datetime

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from apps.core.models import Hospital, StaffProfile
    from apps.meetings.models import AgendaItem, Decision, Meeting, ResectabilityVote
    from apps.pathways.facts import parse_facts
    from apps.pathways.registry import evaluate
    from apps.pathways.result import result_to_dict
    from apps.patients.models import MdtCase, Patient
    from apps.recommendations.models import RecommendationSnapshot

    hospital = Hospital.objects.create(name=f"Bench Hospital {items} (fictional)", code=f"b{items}")
    coordinator = User.objects.create(username=f"coordinator{items}")
    coordinator.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    StaffProfile.objects.create(user=coordinator, hospital=hospital)
    surgeons = [User.objects.create(username=f"surgeon{items}-{n}") for n in range(3)]
    meeting = Meeting.objects.create(
        hospital=hospital,
        scheduled_for=timezone.now() + datetime.timedelta(minutes=5),
        status="in_progress",
        chair=surgeons[0],
    )
    facts = json.loads(EXAMPLE.read_text())["case"]
    result = result_to_dict(evaluate(parse_facts(facts)))
    for position in range(1, items + 1):
        patient = Patient.objects.create(
            hospital=hospital,
            mrn=f"BENCH-{items}-{position}",
            given_name="Fictional",
            family_name=f"Bench{position}",
            birth_date=datetime.date(1960, 1, 1),
            sex="female",
        )
        case = MdtCase.objects.create(patient=patient, question="Resectable?")
        snapshot = RecommendationSnapshot.objects.create(
            case=case,
            pathway_version=result["pathway_version"],
            facts=facts,
            facts_updated_at=timezone.now(),
            result=result,
            primary_code="HEPATECTOMY",
            resectability=result["resectability"],
            created_by=coordinator,
        )
        item = AgendaItem.objects.create(meeting=meeting, case=case, position=position)
        for surgeon in surgeons:
            ResectabilityVote.objects.create(agenda_item=item, surgeon=surgeon, call="resectable")
        Decision.objects.create(
            agenda_item=item,
            recommendation=snapshot,
            plan_codes=["HEPATECTOMY"],
            intent="curative",
            agreement="agree",
            quorate=True,
            recorded_by=surgeons[0],
        )
    return meeting, coordinator


def _time(label: str, call: Any, requests: int) -> None:
    from django.db import connection, reset_queries

    call()  # warm-up
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    reset_queries()
    response = call()
    queries = len(connection.queries)
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(
        f"  {label:36s} median {statistics.median(timings):6.2f} ms, p99 {p99:6.2f} ms, "
        f"{queries} queries, status {response.status_code}, body {len(response.content)} bytes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--requests", type=int, default=400, help="timed polls per figure")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", metavar="URL", default=DEFAULT_SERVER)
    where.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()

    with throwaway_django("live", postgres_url=args.postgres, sqlite=args.sqlite) as label:
        from django.conf import settings
        from django.test import Client
        from django.test.utils import override_settings
        from django.urls import reverse

        print(f"live state of a meeting on {label}, {args.requests} polls each, in process")
        with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
            for items in args.items:
                meeting, coordinator = _build(items)
                client = Client()
                client.force_login(coordinator)
                address = reverse("meetings:meeting-live", args=[meeting.pk])
                etag = client.get(address)["ETag"]
                print(f" meeting of {items} cases")
                _time(
                    "poll of a current page (304)",
                    lambda c=client, a=address, e=etag: c.get(a, HTTP_IF_NONE_MATCH=e),
                    args.requests,
                )
                _time(
                    "poll after a change (200, the state)",
                    lambda c=client, a=address: c.get(a),
                    args.requests,
                )


if __name__ == "__main__":
    main()
