"""Benchmark of the printable meeting summary: how long a meeting of 5, 10, 20 and 40 cases
takes to render, and how that grows.

    .venv/bin/python bench/summary.py [--sizes 5 10 20 40] [--rounds 3] [--quick]
                                      [--postgres URL | --sqlite] [--all-cores]

Builds, in a throwaway database created (and dropped) on the PostgreSQL server of `--postgres`
(default postgres://postgres@127.0.0.1:5432/postgres, the server the tests use), or in a
temporary SQLite file with `--sqlite`: one fictional hospital and, per size, a quorate meeting
in progress with that many cases, each with its facts (through the facts service, so every
record of the clinical summary exists), a recommendation snapshot, a decision, two actions and
who tells the patient. It then times, in-process and with the functions the Celery task uses:
reading the data (`summary_data`), rendering the summary PDF, rendering the outcome letters,
and the whole (data + summary + letters). Medians of `--rounds` rounds, after one warm-up, on
one CPU core (the process is pinned to one unless `--all-cores`). `--quick` (CI smoke): sizes
2 and 4, one round.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
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
EXAMPLES = [
    "solitary-metachronous-low-risk",
    "bilobar-two-stage-primary-in-situ",
    "unfit-small-lesions-ablation",
    "lung-and-peritoneum-unresectable-ehd",
    "surgeon-review-pending-extensive",
]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _people() -> dict[str, Any]:
    from django.contrib.auth.models import Group, User

    from apps.core.models import Hospital, StaffProfile

    hospital = Hospital.objects.create(name="Bench Hospital (fictional)", code="bench")
    people: dict[str, Any] = {"hospital": hospital}
    for key, role, specialty, last in [
        ("chair", "clinician", "liver_surgeon", "Surgeon"),
        ("oncologist", "clinician", "medical_oncologist", "Oncologist"),
        ("radiologist", "clinician", "radiologist", "Radiologist"),
        ("coordinator", "coordinator", "coordinator", "Coordinator"),
    ]:
        user = User.objects.create(username=key, first_name="Fictional", last_name=last)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        StaffProfile.objects.create(user=user, hospital=hospital, specialty=specialty)
        people[key] = user
    return people


def _meeting(people: dict[str, Any], cases: int, offset: int) -> Any:
    """A meeting of `cases` cases, built through the services as the API would."""
    from apps.casefacts.services import case_facts_record
    from apps.meetings.services import agenda_item_add, meeting_create
    from apps.meetings.services.attendance import attendance_add
    from apps.meetings.services.decisions import action_add, decision_record, follow_up_update
    from apps.pathways.facts import parse_facts
    from apps.patients.models import MdtCase, Patient
    from apps.recommendations.services import recommendation_create

    coordinator, chair = people["coordinator"], people["chair"]
    meeting = meeting_create(
        hospital=people["hospital"],
        scheduled_for=datetime.datetime(2030, 1, 7, 8, 0, tzinfo=datetime.UTC)
        + datetime.timedelta(days=7 * offset),
        actor=coordinator,
        location="Seminar room 2",
        chair=chair,
    )
    meeting.status = "in_progress"
    meeting.save(update_fields=["status"])
    for key in ("chair", "oncologist", "radiologist"):
        attendance_add(meeting=meeting, actor=coordinator, user=people[key])
    for n in range(cases):
        document = json.loads(
            (
                SHARED_DIR / "pathways" / "examples" / f"{EXAMPLES[n % len(EXAMPLES)]}.json"
            ).read_text()
        )["case"]
        age = document["patient"]["age"]
        patient = Patient.objects.create(
            hospital=people["hospital"],
            mrn=f"BENCH-{offset:02d}-{n:04d}",
            given_name="Fictional",
            family_name=f"Patient{offset}x{n}",
            birth_date=datetime.date(datetime.date.today().year - age, 1, 1),
            sex="female",
        )
        case = MdtCase.objects.create(
            patient=patient, question="Resectable?", referring_clinician="Dr Fictional Referrer"
        )
        case_facts_record(case=case, facts=parse_facts(document), actor=coordinator)
        snapshot = recommendation_create(case=case, actor=coordinator)
        item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
        decision_record(
            item=item,
            actor=chair,
            data={
                "plan_codes": [snapshot.primary_code],
                "plan_text": "As recommended.",
                "intent": "curative",
                "agreement": "agree",
            },
        )
        for index, description in enumerate(["Book CT volumetry", "Refer to dietitian"]):
            action_add(
                item=item,
                actor=coordinator,
                description=description,
                owner=people["radiologist"],
                due_on=datetime.date(2030, 2, 1 + index),
            )
        follow_up_update(
            item=item, actor=coordinator, data={"patient_informer": people["oncologist"]}
        )
    return meeting


def _median_ms(work: Any, rounds: int) -> tuple[float, Any]:
    result = work()  # warm-up
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 20, 40])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median printed)")
    parser.add_argument("--quick", action="store_true", help="sizes 2 and 4, one round (CI)")
    parser.add_argument("--all-cores", action="store_true", help="do not pin to one core")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", metavar="URL", default=DEFAULT_SERVER)
    where.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds = [2, 4], 1
    if not args.all_cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    with throwaway_django("summary", postgres_url=args.postgres, sqlite=args.sqlite) as label:
        import io

        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone
        from pypdf import PdfReader

        from apps.summaries.data import summary_data
        from apps.summaries.pdf import render_letter_pdf, render_summary_pdf

        people = _people()
        meetings = [
            (size, _meeting(people, size, offset)) for offset, size in enumerate(args.sizes)
        ]
        cores = "all cores" if args.all_cores else "one core"
        print(f"meeting summary on {label}, {cores}, median of {args.rounds} rounds:")
        print(
            f"  {'cases':>5} {'pages':>5} {'queries':>7} {'data ms':>8} {'summary ms':>10} "
            f"{'letters ms':>10} {'total ms':>9} {'ms/case':>8}"
        )
        totals: dict[int, float] = {}
        for size, meeting in meetings:
            now = timezone.now()
            with CaptureQueriesContext(connection) as queries:
                data = summary_data(meeting=meeting)
            data_ms, data = _median_ms(lambda m=meeting: summary_data(meeting=m), args.rounds)
            summary_ms, pdf = _median_ms(
                lambda d=data, t=now: render_summary_pdf(d, generated_at=t, version=1),
                args.rounds,
            )
            letters_ms, _ = _median_ms(
                lambda d=data, t=now: [
                    render_letter_pdf(d, case, generated_at=t, version=1) for case in d["cases"]
                ],
                args.rounds,
            )
            total = data_ms + summary_ms + letters_ms
            totals[size] = total
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"  {size:5d} {pages:5d} {len(queries):7d} {data_ms:8.1f} {summary_ms:10.1f} "
                f"{letters_ms:10.1f} {total:9.1f} {total / size:8.1f}"
            )
        sizes = sorted(totals)
        growth = ", ".join(
            f"{small}->{large} cases: x{totals[large] / totals[small]:.2f}"
            for small, large in itertools.pairwise(sizes)
        )
        print(f"growth of the total: {growth}")
        if 20 in totals:
            verdict = "under" if totals[20] < 5000 else "OVER"
            print(f"20 cases: {totals[20] / 1000:.2f} s, {verdict} the 5 s aim")


if __name__ == "__main__":
    main()
