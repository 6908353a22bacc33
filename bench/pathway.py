"""Benchmark of the pathway: evaluations per second in process, and the evaluate endpoint's latency.

    .venv/bin/python bench/pathway.py [--seconds 2] [--rounds 5] [--requests 2000]

In process (pinned to one core, timed in the process's own processor time), each version on its own
examples, in one run: the engine alone on parsed facts, and the whole path of a request body
(validate the decoded JSON object, evaluate, write the result out as JSON). The whole path is timed
as the evaluate endpoint runs it (msgspec's reader for a valid body, msgspec's writer straight from
the result's structs) and as it ran before those two (the thorough reader, a dictionary, and the
standard library's json), so the two can be compared; the ratios at the end are the figures the
pathway upgrade is held to (crlm-2027.1's engine against crlm-2026.1's, and its whole path against
crlm-2026.1's former one), each the median of pairs timed in turn, so that the machine's drift falls
on both sides. Over HTTP: a gunicorn server with one sync worker on loopback, on a throwaway SQLite
database with the fictional demo accounts, timing POST /api/v1/pathway/evaluate/ with a token; it
prints p50, p99 and mean latency. `--postgres URL` runs the server on a throwaway database created
(and dropped) on that PostgreSQL server instead, e.g. `--postgres
postgres://postgres@127.0.0.1:5432/postgres`. `--skip-http` runs only the first part.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from apps.pathways.facts import INPUTS, FactsValidationError  # noqa: E402
from apps.pathways.registry import CURRENT_VERSION, evaluate, evaluate_input  # noqa: E402
from apps.pathways.result import result_json, result_to_dict  # noqa: E402
from bench._throwaway import throwaway_postgres  # noqa: E402

SHARED_DIR = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
EXAMPLE_FOLDERS = {
    "crlm-2026.1": SHARED_DIR / "pathways" / "examples",
    "crlm-2027.1": SHARED_DIR / "pathways" / "crlm-2027.1" / "examples",
}
EXAMPLES = sorted(EXAMPLE_FOLDERS[CURRENT_VERSION].glob("*.json"))
DEMO_PASSWORD = "demo-liver-board-2026"  # the fictional demo accounts' password (load_demo_data)


def _pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned"


def _rate(work: Any, items: list[Any], seconds: float) -> float:
    """Evaluations per second of this process's own processor time: on a shared machine the
    time another process holds the core is not counted against the work."""
    done = 0
    started = time.process_time()
    deadline = started + seconds
    while time.process_time() < deadline:
        for item in items:
            work(item)
        done += len(items)
    return done / (time.process_time() - started)


def _median_rate(work: Any, items: list[Any], seconds: float, rounds: int) -> float:
    _rate(work, items, 0.3)  # warm-up
    return statistics.median(_rate(work, items, seconds) for _ in range(rounds))


def bench_in_process(seconds: float, rounds: int) -> None:
    print(f"in process, {_pin_one_core()}")
    engine: dict[str, float] = {}
    served: dict[str, float] = {}
    former: dict[str, float] = {}
    for version, folder in EXAMPLE_FOLDERS.items():
        bodies = [json.loads(path.read_text())["case"] for path in sorted(folder.glob("*.json"))]
        spec = INPUTS[version]
        facts = [spec.parse(body) for body in bodies]

        def engine_only(item: Any, version: str = version) -> Any:
            return evaluate(item, version)

        def as_served(body: dict[str, Any], version: str = version) -> bytes:
            # What POST /api/v1/pathway/evaluate/ does with a decoded body.
            return result_json(evaluate_input(body, version))

        def as_before(body: dict[str, Any], version: str = version, spec: Any = spec) -> str:
            # The path before msgspec: the thorough reader, a dictionary and the stdlib's json.
            return json.dumps(result_to_dict(evaluate(spec._thorough(body), version)))

        print(f"  {version}, {len(bodies)} example cases")
        for label, work, items, into in (
            ("engine (parsed facts -> result)", engine_only, facts, engine),
            ("whole path, as served now", as_served, bodies, served),
            ("whole path, as before (stdlib)", as_before, bodies, former),
        ):
            rate = _median_rate(work, items, seconds, rounds)
            into[version] = 1e6 / rate
            print(f"    {label:34s} {rate:9,.0f} evaluations/s ({1e6 / rate:6.1f} µs each)")
    old, new = "crlm-2026.1", "crlm-2027.1"
    # The same cases through both engines: every example of either version that both accept.
    shared = []
    for folder in EXAMPLE_FOLDERS.values():
        for path in sorted(folder.glob("*.json")):
            body = json.loads(path.read_text())["case"]
            # A case one of the two refuses is not a shared case.
            with contextlib.suppress(FactsValidationError):
                shared.append((INPUTS[old].parse(body), INPUTS[new].parse(body)))
    same_new, same_old, engine_ratio = _paired(
        lambda item: evaluate(item[1], new),
        lambda item: evaluate(item[0], old),
        shared,
        seconds,
        rounds,
    )
    print(f"  the same {len(shared)} cases through both engines, timed in turn:")
    print(f"    {old} engine {1e6 / same_old:9,.0f} evaluations/s ({same_old:6.1f} µs each)")
    print(f"    {new} engine {1e6 / same_new:9,.0f} evaluations/s ({same_new:6.1f} µs each)")
    print(
        f"  {new} engine / {old} engine: {engine_ratio} on the same cases, "
        f"{engine[new] / engine[old]:.2f}x each on its own examples (held to 1.20x at most)"
    )
    old_bodies = [
        json.loads(path.read_text())["case"] for path in sorted(EXAMPLE_FOLDERS[old].glob("*.json"))
    ]
    new_bodies = [
        json.loads(path.read_text())["case"] for path in sorted(EXAMPLE_FOLDERS[new].glob("*.json"))
    ]
    # Each version's whole path over its own examples (as the figures above), timed in turn.
    _, _, path_ratio = _paired(
        lambda body: result_json(evaluate_input(body, new)),
        lambda body: json.dumps(result_to_dict(evaluate(INPUTS[old]._thorough(body), old))),
        new_bodies,
        seconds,
        rounds,
        second_items=old_bodies,
    )
    print(
        f"  {new} whole path as served / {old} whole path as before: {path_ratio} "
        "(held to 0.50x at most)"
    )
    print(
        f"  the whole path over the engine: {old} before {former[old] / engine[old]:.1f}x, "
        f"{new} now {served[new] / engine[new]:.1f}x"
    )


def _paired(
    first: Any,
    second: Any,
    items: list[Any],
    seconds: float,
    rounds: int,
    *,
    second_items: list[Any] | None = None,
) -> tuple[float, float, str]:
    """Two kinds of work timed in turn (first, second, first, second...), so that a change in
    the machine's speed during the run falls on both: the median µs of each, and the median of
    the pairs' ratios (first over second) with their range. `second_items`: the second's own
    items, when they differ from the first's (µs per item either way)."""
    others = items if second_items is None else second_items
    _rate(first, items, 0.3)
    _rate(second, others, 0.3)
    # Twice the rounds, each half as long: as much time in all, more pairs to take a median of.
    pairs = max(rounds * 2, 3)
    firsts, seconds_taken, ratios = [], [], []
    for _ in range(pairs):
        a = 1e6 / _rate(first, items, seconds / 2)
        b = 1e6 / _rate(second, others, seconds / 2)
        firsts.append(a)
        seconds_taken.append(b)
        ratios.append(a / b)
    ratio = (
        f"{statistics.median(ratios):.2f}x (median of {pairs} pairs, "
        f"{min(ratios):.2f}-{max(ratios):.2f})"
    )
    return statistics.median(firsts), statistics.median(seconds_taken), ratio


# --- over HTTP -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(port: int, method: str, path: str, body: bytes, headers: dict[str, str]) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def bench_http(requests: int, postgres: str | None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="pathway-bench-"))
    database_name = f"pathway_bench_{os.getpid()}"
    if postgres:
        database_url = throwaway_postgres(postgres, database_name, create=True)
        database_label = "PostgreSQL"
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        database_label = "SQLite"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # Production settings refuse a weak key; this one lives as long as the run.
        "SECRET_KEY": secrets.token_urlsafe(50),
        # Plain HTTP on loopback, no TLS proxy in front.
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(workdir / "media"),
        # whitenoise warns that static files were never collected; this server serves none.
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "load_demo_data", "--force"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        status, body = _request(
            port,
            "POST",
            "/api/v1/auth/token/",
            json.dumps({"username": "viewer", "password": DEMO_PASSWORD}).encode(),
            {"Content-Type": "application/json"},
        )
        if status != 200:
            raise SystemExit(f"could not log in to the benchmark server: {status} {body[:200]!r}")
        token = json.loads(body)["token"]
        headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
        bodies = [json.dumps(json.loads(path.read_text())["case"]).encode() for path in EXAMPLES]
        for body in bodies * 5:  # warm-up
            _request(port, "POST", "/api/v1/pathway/evaluate/", body, headers)
        latencies = []
        for index in range(requests):
            body = bodies[index % len(bodies)]
            started = time.perf_counter()
            status, _ = _request(port, "POST", "/api/v1/pathway/evaluate/", body, headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"evaluate answered {status}")
        latencies.sort()
        p50 = latencies[len(latencies) // 2]
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"POST /api/v1/pathway/evaluate/ on loopback (gunicorn, 1 sync worker, "
            f"{database_label}, {requests} requests, a new connection each):"
        )
        print(
            f"  p50 {p50:.2f} ms, p99 {p99:.2f} ms, mean {statistics.mean(latencies):.2f} ms, "
            f"max {latencies[-1]:.2f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
        if postgres:
            throwaway_postgres(postgres, database_name, create=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one timed round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (median printed)")
    parser.add_argument("--requests", type=int, default=2000, help="HTTP requests timed")
    parser.add_argument("--skip-http", action="store_true", help="in-process figures only")
    parser.add_argument(
        "--postgres", metavar="URL", help="serve from a throwaway database on this PostgreSQL"
    )
    args = parser.parse_args()
    if not args.skip_http:
        # The server runs first, before this process pins itself to one core.
        bench_http(args.requests, args.postgres)
    bench_in_process(args.seconds, args.rounds)


if __name__ == "__main__":
    main()
