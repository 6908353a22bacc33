"""Benchmark at a hospital's ten years: every page and API list at 50,000 cases and 2,500 meetings.

    .venv/bin/python bench/scale.py [--cases 50000] [--meetings 2500] [--requests 50]
                                    [--clients 8] [--seconds 10] [--skip-http]
                                    [--postgres URL | --sqlite] [--keep | --reuse NAME]

In a throwaway database (created and dropped on the PostgreSQL server of `--postgres`, default
the server the tests use; or a temporary SQLite file with `--sqlite`) it loads the fictional
demo data through the services (cases referred with their facts, lesions and studies,
recommendation snapshots, an agenda, votes, decisions, actions, a sign-off: every row with its
audit history), then copies those cases in bulk until there are `--cases` cases on `--meetings`
meetings (twenty a meeting, weekly over ten years, the last two still to come; a few cases
referred and waiting). Each copy keeps its template's rows in proportion, history included,
with its dates moved to its meeting's; older cases are partly closed, older actions done, one
case in ten has facts newer than its recommendation.

It then answers each page in `PAGES` (a list of (name, user, address builder): add a page by
adding a line) through Django's whole request path in process, `--requests` times after a
warm-up, and prints p50, p95 and the queries one request made. Last, unless `--skip-http`, it
starts gunicorn with 2 workers on the same database and has `--clients` concurrent clients
request the case page, then `/api/v1/me/` (the floor: authentication and a tiny answer), for
`--seconds` each, and prints requests per second and their ratio. `--explain LINES` prints the
start of the plan (EXPLAIN ANALYZE) of each page's slowest query. `--keep` leaves the filled
database in place (its name is printed) and `--reuse NAME` measures it again without filling it,
after migrating it (a new index applies), so a change can be measured in minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import importlib
import itertools
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway_django  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
CASES_PER_MEETING = 20
UPCOMING_MEETINGS = 2
TEN_YEARS = datetime.timedelta(days=3653)
FAMILY_NAMES = ["Archer", "Baker", "Carter", "Dawson", "Ellis", "Fisher", "Grant", "Hughes"]
FAMILY_NAMES += ["Irving", "Jensen", "Keller", "Lowe", "Mercer", "Nolan", "Owens", "Porter"]
BATCH_CASES = 1000  # copies written per transaction
ROWS_PER_INSERT = 2000


@dataclass
class Context:
    """What the address builders read: a case, a meeting of twenty, dates and names."""

    case: Any
    meeting: Any
    search_name: str
    search_mrn: str
    last_year: tuple[datetime.date, datetime.date]


def _reverse(name: str, *args: Any, query: str = "") -> str:
    from django.urls import reverse

    return reverse(name, args=args) + (f"?{query}" if query else "")


# (name, demo user who asks, address): the pages and API answers measured, in print order.
PAGES: list[tuple[str, str, Callable[[Context], str]]] = [
    ("dashboard", "coordinator", lambda c: _reverse("home")),
    ("my actions (dashboard of an action owner)", "radiologist", lambda c: _reverse("home")),
    ("case list", "coordinator", lambda c: _reverse("workspace:case-list")),
    (
        "case list, awaiting discussion",
        "coordinator",
        lambda c: _reverse("workspace:case-list", query="status=awaiting_discussion"),
    ),
    (
        "case search, family name",
        "coordinator",
        lambda c: _reverse("workspace:case-list", query=f"q={c.search_name}"),
    ),
    (
        "case search, MRN",
        "coordinator",
        lambda c: _reverse("workspace:case-list", query=f"q={c.search_mrn}"),
    ),
    ("case page", "coordinator", lambda c: _reverse("workspace:case-detail", c.case.id)),
    (
        "audit trail of a case",
        "coordinator",
        lambda c: _reverse("workspace:case-history-audit", c.case.id),
    ),
    (
        "meeting page (20 cases)",
        "coordinator",
        lambda c: _reverse("meetings:meeting-detail", c.meeting.id),
    ),
    ("meetings, upcoming", "coordinator", lambda c: _reverse("meetings:meeting-list")),
    (
        "meetings, past",
        "coordinator",
        lambda c: _reverse("meetings:meeting-list", query="when=past"),
    ),
    (
        "concordance, one year",
        "viewer",
        lambda c: _reverse(
            "api:meeting-concordance", query=f"from={c.last_year[0]}&to={c.last_year[1]}"
        ),
    ),
    ("concordance, ten years", "viewer", lambda c: _reverse("api:meeting-concordance")),
    (
        "API cases, 100 per page",
        "coordinator",
        lambda c: _reverse("api:case-list", query="page_size=100"),
    ),
    (
        "API patients, name contains",
        "coordinator",
        lambda c: _reverse("api:patient-list", query=f"family_name={c.search_name[1:]}"),
    ),
    ("API meetings", "coordinator", lambda c: _reverse("api:meeting-list")),
    ("API patients", "coordinator", lambda c: _reverse("api:patient-list")),
    ("worklist", "coordinator", lambda c: _reverse("analytics:worklist")),
    (
        "worklist, one stage",
        "coordinator",
        lambda c: _reverse("analytics:worklist", query="stage=discussed"),
    ),
    ("my tasks", "coordinator", lambda c: _reverse("workspace:tasks")),
    (
        "analytics, one year",
        "viewer",
        lambda c: _reverse("analytics:analytics", query=_range(c, years=1)),
    ),
    (
        "analytics, ten years",
        "viewer",
        lambda c: _reverse("analytics:analytics", query=_range(c, years=10)),
    ),
    ("API worklist", "coordinator", lambda c: _reverse("api:worklist")),
    ("API my tasks", "coordinator", lambda c: _reverse("api:tasks")),
    ("API /me/ (the floor)", "coordinator", lambda c: _reverse("api:me")),
]


def _range(context: Context, *, years: int) -> str:
    start, end = context.last_year
    return f"from={start.replace(year=end.year - years, day=min(start.day, 28))}&to={end}"


# ---------------------------------------------------------------------------------------------
# Filling


@contextlib.contextmanager
def _timestamps_as_given() -> Iterator[None]:
    """Let bulk inserts keep the copied created_at/updated_at (auto_now would stamp them now)."""
    from django.apps import apps

    switched = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _models_of_a_case() -> list[tuple[Any, str]]:
    """The models a case's rows live in, parents first, each with the lookup from it to the
    case."""
    from apps.imaging.models import ExtrahepaticSite, ImagingStudy, LiverAssessment, LiverLesion
    from apps.meetings.models import AgendaItem, Decision, DecisionAction, ResectabilityVote
    from apps.patients.models import (
        Biomarkers,
        MdtCase,
        PerformanceStatus,
        Presentation,
        PrimaryTumour,
        TreatmentHistory,
        WorkupStatus,
    )
    from apps.recommendations.models import RecommendationSnapshot

    per_case = [PerformanceStatus, PrimaryTumour, Presentation, Biomarkers, TreatmentHistory]
    per_case += [WorkupStatus, ImagingStudy, LiverLesion, LiverAssessment, ExtrahepaticSite]
    per_case += [RecommendationSnapshot, AgendaItem]
    return [
        (MdtCase, "pk"),
        *((model, "case_id") for model in per_case),
        (ResectabilityVote, "agenda_item__case_id"),
        (Decision, "agenda_item__case_id"),
        (DecisionAction, "agenda_item__case_id"),
    ]


@dataclass
class Template:
    """A service-made record with its rows and their history, in insert order."""

    rows: list[tuple[Any, list[Any]]]  # (model, rows), parents first; history models last
    anchor: datetime.datetime  # the time its copies are moved from (its meeting's)


def _case_template(case: Any, anchor: datetime.datetime, *, with_agenda: bool) -> Template:
    from apps.meetings.models import AgendaItem

    rows: list[tuple[Any, list[Any]]] = [(type(case.patient), [case.patient])]
    for model, lookup in _models_of_a_case():
        if not with_agenda and (model is AgendaItem or lookup.startswith("agenda_item")):
            continue
        rows.append((model, list(model.objects.filter(**{lookup: case.pk}))))
    history = []
    for model, records in rows:
        ids = [record.pk for record in records]
        history.append((model.history.model, list(model.history.filter(id__in=ids))))
    return Template(rows=rows + history, anchor=anchor)


def _meeting_template(meeting: Any) -> Template:
    from apps.meetings.models import Attendance

    attendance = list(Attendance.objects.filter(meeting=meeting))
    rows = [(type(meeting), [meeting]), (Attendance, attendance)]
    history = [
        (model.history.model, list(model.history.filter(id__in=[r.pk for r in records])))
        for model, records in rows
    ]
    return Template(rows=rows + history, anchor=meeting.scheduled_for)


def _copy(
    template: Template,
    *,
    moved_to: datetime.datetime,
    mapping: dict[Any, Any],
    overrides: Callable[[Any, dict[str, Any]], None],
    out: dict[Any, list[Any]],
) -> None:
    """Append a copy of the template's rows to `out` (model -> new rows): new ids (keys found in
    `mapping` are replaced, the others made up), every date and time moved by the same amount."""
    shift = moved_to - template.anchor
    for model, records in template.rows:
        for record in records:
            if not getattr(model, "_is_history", False) and record.pk not in mapping:
                mapping[record.pk] = uuid.uuid4()
    for model, records in template.rows:
        is_history = getattr(model, "_is_history", False)
        for record in records:
            values = {}
            for field in model._meta.concrete_fields:
                value = getattr(record, field.attname)
                if is_history and field.attname == "history_id":
                    continue
                if isinstance(value, uuid.UUID):
                    value = mapping.get(value, value)
                elif isinstance(value, datetime.datetime):
                    value = value + shift
                elif isinstance(value, datetime.date):
                    value = value + datetime.timedelta(days=shift.days)
                values[field.attname] = value
            overrides(model, values)
            out.setdefault(model, []).append(values)


def _mark_history_models() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if model.__name__.startswith("Historical") and hasattr(model, "history_id"):
            model._is_history = True


def _write(out: dict[Any, list[dict[str, Any]]]) -> int:
    """Insert the rows (field values by attname), parents first (the order models were first
    met in), and empty `out`. PostgreSQL takes them by COPY; elsewhere by bulk_create."""
    from django.db import connection

    written = 0
    for model, records in out.items():
        if connection.vendor == "postgresql":
            fields = [
                field
                for field in model._meta.concrete_fields
                if not (getattr(model, "_is_history", False) and field.attname == "history_id")
            ]
            columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
            table = connection.ops.quote_name(model._meta.db_table)
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for values in records:
                    copy.write_row(
                        [
                            field.get_db_prep_save(values[field.attname], connection)
                            for field in fields
                        ]
                    )
        else:
            model.objects.bulk_create(
                [model(**values) for values in records], batch_size=ROWS_PER_INSERT
            )
        written += len(records)
    out.clear()
    return written


def fill(total_cases: int, total_meetings: int) -> Context:
    """The demo data made by the services, then copies of it up to the sizes asked for."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.meetings.models import AgendaItem, Decision, DecisionAction, Meeting
    from apps.patients.models import MdtCase, Patient

    _mark_history_models()
    demo_started = time.perf_counter()
    call_command("load_demo_data", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    meetings = list(Meeting.objects.order_by("scheduled_for"))
    past_meeting, upcoming_meeting = meetings[0], meetings[-1]
    past_cases = [item.case for item in AgendaItem.objects.filter(meeting=past_meeting)]
    upcoming_cases = [item.case for item in AgendaItem.objects.filter(meeting=upcoming_meeting)]
    past = [_case_template(c, past_meeting.scheduled_for, with_agenda=True) for c in past_cases]
    coming = [
        _case_template(c, upcoming_meeting.scheduled_for, with_agenda=True) for c in upcoming_cases
    ]
    waiting = [
        _case_template(c, upcoming_meeting.scheduled_for, with_agenda=False) for c in upcoming_cases
    ]
    print(f"  demo data by the services: {time.perf_counter() - demo_started:.0f} s", flush=True)
    past_meeting_template = _meeting_template(past_meeting)
    upcoming_meeting_template = _meeting_template(upcoming_meeting)

    now = timezone.now()
    new_meetings = max(total_meetings - len(meetings), 0)
    new_upcoming = min(UPCOMING_MEETINGS, new_meetings)
    new_past = new_meetings - new_upcoming
    step = TEN_YEARS / max(new_past, 1)
    # Oldest first; the services' own meetings are the newest past and the next one.
    slots: list[tuple[datetime.datetime, bool]] = [
        (past_meeting.scheduled_for - step * (new_past - n), True) for n in range(new_past)
    ]
    slots += [
        (upcoming_meeting.scheduled_for + datetime.timedelta(days=7 * (n + 1)), False)
        for n in range(new_upcoming)
    ]
    existing_cases = MdtCase.objects.count()
    on_agendas = min(max(total_cases - existing_cases, 0), len(slots) * CASES_PER_MEETING)
    referred_waiting = max(total_cases - existing_cases - on_agendas, 0)

    started = time.perf_counter()
    written = 0
    counter = itertools.count(1)
    one_year_ago = now - datetime.timedelta(days=365)

    # The history models, looked up once (each lookup builds a manager).
    patients = (Patient, Patient.history.model)
    case_models = (MdtCase, MdtCase.history.model)
    action_models = (DecisionAction, DecisionAction.history.model)
    agenda_models = (AgendaItem, AgendaItem.history.model)

    def patient_names(model: Any, values: dict[str, Any], number: int) -> None:
        if model in patients:
            values["mrn"] = f"SC-{number:07d}"
            values["family_name"] = f"{FAMILY_NAMES[number % len(FAMILY_NAMES)]}{number}"

    with _timestamps_as_given():
        out: dict[Any, list[Any]] = {}
        meeting_ids: list[tuple[Any, datetime.datetime, bool]] = []
        with transaction.atomic():
            for when, is_past in slots:
                template = past_meeting_template if is_past else upcoming_meeting_template
                mapping: dict[Any, Any] = {}

                def meeting_fields(model: Any, values: dict[str, Any]) -> None:
                    if model is Meeting or model is Meeting.history.model:
                        values["current_item_id"] = None

                _copy(template, moved_to=when, mapping=mapping, overrides=meeting_fields, out=out)
                meeting_ids.append((mapping[template.rows[0][1][0].pk], when, is_past))
            written += _write(out)

        assignments = [
            (meeting_id, when, is_past)
            for meeting_id, when, is_past in meeting_ids
            for _ in range(CASES_PER_MEETING)
        ][:on_agendas]
        jobs: list[tuple[Template, datetime.datetime, Any, bool, int]] = []
        for n, (meeting_id, when, is_past) in enumerate(assignments):
            templates = past if is_past else coming
            jobs.append((templates[n % len(templates)], when, meeting_id, is_past, n))
        for n in range(referred_waiting):
            when = now - datetime.timedelta(days=n % 21) + (upcoming_meeting.scheduled_for - now)
            jobs.append((waiting[n % len(waiting)], when, None, False, n))

        for start in range(0, len(jobs), BATCH_CASES):
            with transaction.atomic():
                for template, when, meeting_id, is_past, slot in jobs[start : start + BATCH_CASES]:
                    number = next(counter)
                    mapping = {}
                    if meeting_id is not None:
                        source_meeting = past_meeting if is_past else upcoming_meeting
                        mapping[source_meeting.pk] = meeting_id
                    older = when < one_year_ago

                    def fields(
                        model: Any,
                        values: dict[str, Any],
                        *,
                        number: int = number,
                        older: bool = older,
                        is_past: bool = is_past,
                        when: datetime.datetime = when,
                        meeting_id: Any = meeting_id,
                        position: int = slot % CASES_PER_MEETING + 1,
                    ) -> None:
                        patient_names(model, values, number)
                        if model in agenda_models:
                            values["position"] = position
                        if model in case_models:
                            if meeting_id is None:
                                values["status"] = "awaiting_discussion"
                            elif is_past and older and number % 3 == 0:
                                values["status"] = "closed"
                            if number % 10 == 0 and values["facts_updated_at"]:
                                values["facts_updated_at"] += datetime.timedelta(days=1)
                        is_action = model in action_models
                        if is_action and is_past and when < now - datetime.timedelta(days=30):
                            values["done_at"] = when + datetime.timedelta(days=10)

                    _copy(template, moved_to=when, mapping=mapping, overrides=fields, out=out)
                written += _write(out)
            print(
                f"\r  filled {min(start + BATCH_CASES, len(jobs))}/{len(jobs)} case copies "
                f"({written} rows, {time.perf_counter() - started:.0f} s)",
                end="",
                flush=True,
            )
    print()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"data: {MdtCase.objects.count()} cases, {Meeting.objects.count()} meetings, "
        f"{Decision.objects.count()} decisions, {DecisionAction.objects.count()} actions, "
        f"{written} rows copied in {time.perf_counter() - started:.0f} s"
    )
    return _context()


def _context() -> Context:
    """A case and a meeting of twenty from the middle of the ten years."""
    from django.utils import timezone

    from apps.meetings.models import AgendaItem, Meeting

    meetings = Meeting.objects.filter(pk__in=AgendaItem.objects.values("meeting")).order_by(
        "scheduled_for", "pk"
    )
    meeting = meetings[meetings.count() // 2]
    case = AgendaItem.objects.filter(meeting=meeting).order_by("position").first().case
    today = timezone.localdate()
    return Context(
        case=case,
        meeting=meeting,
        search_name=case.patient.family_name[:5],
        search_mrn=case.patient.mrn,
        last_year=(today - datetime.timedelta(days=365), today),
    )


# ---------------------------------------------------------------------------------------------
# Measuring


def _percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _explain_slowest(name: str, queries: list[dict[str, str]], lines: int) -> None:
    """EXPLAIN ANALYZE of the page's slowest query: its first `lines` lines (PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "postgresql" or not queries:
        return
    slowest = max(queries, key=lambda query: float(query["time"]))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS ON) {slowest['sql']}")
        plan = [row[0] for row in cursor.fetchall()]
    print(f"    slowest query of {name} ({float(slowest['time']) * 1000:.1f} ms):")
    for line in [*plan[:lines], *plan[-2:]]:
        print(f"      {line}")


def _print_slowest(queries: list[dict[str, str]], count: int) -> None:
    """The page's `count` slowest queries: their time and the start of their SQL."""
    for query in sorted(queries, key=lambda query: -float(query["time"]))[:count]:
        sql = " ".join(query["sql"].split())
        print(f"    {float(query['time']) * 1000:7.1f} ms  {sql[:150]}")


def measure_pages(
    context: Context, requests: int, explain: int = 0, only: str = "", slowest: int = 0
) -> list[tuple[str, float, float, int, int]]:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    # The process starts as a server's does (config/wsgi.py: the URL configuration loaded and
    # the start-up objects set aside from the garbage collector).
    importlib.import_module("config.wsgi")
    rows = []
    clients: dict[str, Client] = {}
    with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
        for name, username, address in PAGES:
            if only and only not in name and name != "API /me/ (the floor)":
                continue
            if username not in clients:
                clients[username] = Client()
                clients[username].force_login(User.objects.get(username=username))
            client, url = clients[username], address(context)
            response = client.get(url)  # warm-up
            assert response.status_code == 200, (name, response.status_code)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            if explain:
                _explain_slowest(name, queries.captured_queries, explain)
            if slowest:
                _print_slowest(queries.captured_queries, slowest)
            rows.append(
                (
                    name,
                    statistics.median(timings),
                    _percentile(timings, 0.95),
                    len(queries),
                    len(response.content),
                )
            )
            print(f"  {name:44s} p50 {rows[-1][1]:7.1f} ms  p95 {rows[-1][2]:7.1f} ms", flush=True)
    return rows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(
        backend for backend in settings.AUTHENTICATION_BACKENDS if "ModelBackend" in backend
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _throughput(port: int, path: str, cookie: str, clients: int, seconds: float) -> float:
    done = [0] * clients
    deadline = time.perf_counter() + seconds

    def work(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie, "Host": "127.0.0.1"}
        while time.perf_counter() < deadline:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            done[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def measure_throughput(context: Context, clients: int, seconds: float) -> tuple[float, float]:
    """Requests per second of the case page and of /api/v1/me/ under gunicorn (2 workers)."""
    from django.db import connections

    cookie = _session_cookie("coordinator")
    connections.close_all()
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env={**os.environ, "WEB_CONCURRENCY": "2"},
    )
    try:
        for _ in range(300):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            time.sleep(0.1)
        case_page = _reverse("workspace:case-detail", context.case.id)
        floor = _reverse("api:me")
        _throughput(port, case_page, cookie, clients, 1)  # warm-up both workers
        _throughput(port, floor, cookie, clients, 1)
        return (
            _throughput(port, case_page, cookie, clients, seconds),
            _throughput(port, floor, cookie, clients, seconds),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def stage_every_case() -> None:
    """The worklist's nightly job, as Celery beat runs it after midnight (the bulk copies leave
    no marks, and a reused database may hold yesterday's stages), timed; then VACUUM ANALYZE of
    its rows, as autovacuum does after so many writes (the counts read an index only)."""
    from django.db import connection

    from apps.analytics.tasks import refresh_worklist_stages

    started = time.perf_counter()
    staged = refresh_worklist_stages()
    print(
        f"worklist stages of {staged} cases computed (the nightly job) in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE analytics_casestage")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--meetings", type=int, default=2_500)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--seconds", type=float, default=10, help="per throughput figure")
    parser.add_argument("--skip-http", action="store_true", help="no gunicorn throughput")
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="LINES",
        help="print the first LINES lines of each page's slowest query's EXPLAIN ANALYZE",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", metavar="URL", default=DEFAULT_SERVER)
    where.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument(
        "--only", default="", metavar="TEXT", help="only the pages whose name holds TEXT"
    )
    parser.add_argument(
        "--slowest", type=int, default=0, metavar="N", help="print each page's N slowest queries"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the filled PostgreSQL database (name printed)"
    )
    parser.add_argument(
        "--reuse", metavar="NAME", help="measure a database an earlier --keep run filled"
    )
    args = parser.parse_args()

    with throwaway_django(
        "scale", postgres_url=args.postgres, sqlite=args.sqlite, keep=args.keep, reuse=args.reuse
    ) as label:
        from django.core.management import call_command

        # The pages name their static files through the production manifest.
        call_command("collectstatic", "--noinput", verbosity=0)
        if args.reuse:
            print(f"measuring {label} as an earlier run filled it", flush=True)
            context = _context()
        else:
            print(f"filling {label} to {args.cases} cases on {args.meetings} meetings", flush=True)
            context = fill(args.cases, args.meetings)
        stage_every_case()
        print(f"pages in process, {args.requests} requests each after a warm-up:")
        rows = measure_pages(context, args.requests, args.explain, args.only, args.slowest)
        print()
        print(
            f"{'page or API answer':44s} {'p50 ms':>8s} {'p95 ms':>8s} "
            f"{'queries':>8s} {'bytes':>9s}"
        )
        for name, p50, p95, queries, size in rows:
            print(f"{name:44s} {p50:8.1f} {p95:8.1f} {queries:8d} {size:9d}")
        if not args.skip_http:
            case_rate, floor_rate = measure_throughput(context, args.clients, args.seconds)
            print(
                f"\nthroughput, gunicorn 2 workers, {args.clients} clients, "
                f"{args.seconds:g} s each:"
            )
            print(f"  case page      {case_rate:8.1f} requests/s")
            print(f"  /api/v1/me/    {floor_rate:8.1f} requests/s")
            print(f"  ratio          {case_rate / floor_rate:8.2f} (case page / floor)")


if __name__ == "__main__":
    main()
