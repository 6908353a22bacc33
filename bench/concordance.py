"""Benchmark of the concordance selector over a year of meetings and more.

    .venv/bin/python bench/concordance.py [--meetings 200] [--items 10] [--rounds 20]
                                          [--postgres URL | --sqlite]

Builds, in a throwaway database created (and dropped) on the PostgreSQL server of `--postgres`
(default postgres://postgres@127.0.0.1:5432/postgres, the server the tests use), or in a
temporary SQLite file with `--sqlite`: one hospital, `--meetings` meetings of `--items` agenda
cases each, every case with a recommendation snapshot and a decision (one in ten amended to a
second version), three surgeons' votes on each case (revealed on four in five). The data are
bulk-inserted (no audit history: the selector does not read it). It then times
`concordance_summary` for a viewer, unfiltered and for one month, and prints the median and
the queries each call made.
"""

from __future__ import annotations

import argparse
import datetime
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
EXAMPLES = ["bilobar-two-stage-primary-in-situ", "solitary-metachronous-low-risk"]
EXAMPLES += ["lung-and-peritoneum-unresectable-ehd"]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _build(meetings: int, items: int) -> Any:
    """The fictional hospital's data; returns its viewer."""
    from django.contrib.auth.models import Group, User

    from apps.core.models import Hospital, StaffProfile
    from apps.meetings.models import AgendaItem, Decision, Meeting, ResectabilityVote
    from apps.pathways.facts import parse_facts
    from apps.pathways.registry import evaluate
    from apps.pathways.result import result_to_dict
    from apps.patients.models import MdtCase, Patient
    from apps.recommendations.models import RecommendationSnapshot

    hospital = Hospital.objects.create(name="Bench Hospital (fictional)", code="bench")
    users = []
    for username, role in [("viewer", "viewer"), *[(f"surgeon{n}", "clinician") for n in range(3)]]:
        user = User.objects.create(username=username)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        StaffProfile.objects.create(user=user, hospital=hospital)
        users.append(user)
    viewer, surgeons = users[0], users[1:]

    evaluated = []
    for name in EXAMPLES:
        facts = json.loads((SHARED_DIR / "pathways" / "examples" / f"{name}.json").read_text())
        result = evaluate(parse_facts(facts["case"]))
        evaluated.append((facts["case"], result, result_to_dict(result)))

    total = meetings * items
    now = datetime.datetime.now(datetime.UTC)
    patients = Patient.objects.bulk_create(
        Patient(
            hospital=hospital,
            mrn=f"BENCH-{n:06d}",
            given_name="Fictional",
            family_name=f"Patient{n}",
            birth_date=datetime.date(1960, 1, 1),
            sex="female",
        )
        for n in range(total)
    )
    cases = MdtCase.objects.bulk_create(
        MdtCase(patient=patient, question="Resectable?", facts_updated_at=now)
        for patient in patients
    )
    snapshots = RecommendationSnapshot.objects.bulk_create(
        RecommendationSnapshot(
            case=case,
            pathway_version=result.pathway_version,
            facts=facts,
            facts_updated_at=now,
            result=document,
            primary_code=result.primary.code,
            resectability=result.resectability,
        )
        for n, case in enumerate(cases)
        for facts, result, document in [evaluated[n % len(evaluated)]]
    )
    start = datetime.datetime(2030, 1, 7, 8, 0, tzinfo=datetime.UTC)
    meeting_rows = Meeting.objects.bulk_create(
        Meeting(
            hospital=hospital,
            scheduled_for=start + datetime.timedelta(days=7 * n),
            status="closed",
            signed_off_at=start + datetime.timedelta(days=7 * n, hours=2),
        )
        for n in range(meetings)
    )
    agenda = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting_rows[n // items],
            case=cases[n],
            position=n % items + 1,
            votes_revealed_at=now if n % 5 else None,
        )
        for n in range(total)
    )
    agreements = ["agree", "agree", "agree", "modified", "disagree"]
    decisions = []
    for n, item in enumerate(agenda):
        agreement = agreements[n % len(agreements)]
        common = {
            "agenda_item": item,
            "recommendation": snapshots[n],
            "plan_codes": [snapshots[n].primary_code],
            "intent": "curative",
            "quorate": n % 17 != 0,
            "recorded_by": surgeons[0],
        }
        departs = {"departure_reason": "comorbidity", "departure_detail": "Frailty."}
        decisions.append(
            Decision(
                version=1,
                agreement=agreement,
                **common,
                **(departs if agreement != "agree" else {}),
            )
        )
        if n % 10 == 0:
            decisions.append(
                Decision(
                    version=2,
                    agreement="disagree",
                    amendment_reason="New imaging.",
                    **common,
                    **departs,
                )
            )
    Decision.objects.bulk_create(decisions)
    calls = ["resectable", "potentially_resectable", "unresectable"]
    ResectabilityVote.objects.bulk_create(
        ResectabilityVote(
            agenda_item=item, surgeon=surgeon, call=calls[(n + index * (n % 3 == 0)) % 3]
        )
        for n, item in enumerate(agenda)
        for index, surgeon in enumerate(surgeons)
    )
    print(
        f"data: {meetings} meetings x {items} cases, {len(decisions)} decision versions, "
        f"{total * len(surgeons)} votes"
    )
    return viewer


def _time(label: str, work: Any, rounds: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work()  # warm-up
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        work()
    print(
        f"  {label:38s} median {statistics.median(timings):7.2f} ms "
        f"(min {min(timings):.2f}, max {max(timings):.2f}; {len(queries)} queries)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--items", type=int, default=10, help="agenda cases per meeting")
    parser.add_argument("--rounds", type=int, default=20, help="timed calls (median printed)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", metavar="URL", default=DEFAULT_SERVER)
    where.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()

    with throwaway_django("concordance", postgres_url=args.postgres, sqlite=args.sqlite) as label:
        from apps.meetings.selectors.concordance import concordance_summary

        viewer = _build(args.meetings, args.items)
        print(f"concordance_summary on {label}, {args.rounds} rounds:")
        _time("every meeting", lambda: concordance_summary(user=viewer), args.rounds)
        _time(
            "one month (from, to)",
            lambda: concordance_summary(
                user=viewer,
                date_from=datetime.date(2030, 3, 1),
                date_to=datetime.date(2030, 3, 31),
            ),
            args.rounds,
        )
        _time(
            "every meeting, serialized",
            lambda: _serialized(concordance_summary(user=viewer)),
            args.rounds,
        )


def _serialized(result: Any) -> Any:
    from apps.meetings.api.serializers.concordance import ConcordanceOutputSerializer

    filters = {"meeting": None, "from": None, "to": None, "signed_only": False}
    answer = {
        "filters": filters,
        "totals": result.totals,
        "meetings": result.meetings,
        "sources": {},
    }
    return ConcordanceOutputSerializer(answer).data


if __name__ == "__main__":
    main()
