"""Benchmark of the pathway: evaluations per second in process, and the evaluate endpoint's latency.

    .venv/bin/python bench/pathway.py [--seconds 2] [--rounds 5] [--requests 2000]

In process (pinned to one core): the engine alone on parsed facts, and the whole path of a
request body (parse the JSON object, evaluate, write the result out as JSON), cycling through the
shared examples. Over HTTP: a gunicorn server with one sync worker on loopback, on a throwaway
SQLite database with the fictional demo accounts, timing POST /api/v1/pathway/evaluate/ with a
token; it prints p50, p99 and mean latency. `--postgres URL` runs the server on a throwaway
database created (and dropped) on that PostgreSQL server instead, e.g.
`--postgres postgres://postgres@127.0.0.1:5432/postgres`. `--skip-http` runs only the first part.
"""

from __future__ import annotations

import argparse
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

from apps.pathways.facts import parse_facts  # noqa: E402
from apps.pathways.registry import CURRENT_VERSION, evaluate  # noqa: E402
from apps.pathways.result import result_to_dict  # noqa: E402
from bench._throwaway import throwaway_postgres  # noqa: E402

SHARED_DIR = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
EXAMPLES = sorted((SHARED_DIR / "pathways" / "examples").glob("*.json"))
DEMO_PASSWORD = "demo-liver-board-2026"  # the fictional demo accounts' password (load_demo_data)


def _pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned"


def _rate(work: Any, items: list[Any], seconds: float) -> float:
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for item in items:
            work(item)
        done += len(items)
    return done / (time.perf_counter() - started)


def bench_in_process(seconds: float, rounds: int) -> None:
    bodies = [json.loads(path.read_text())["case"] for path in EXAMPLES]
    facts = [parse_facts(body) for body in bodies]

    def whole_request(body: dict[str, Any]) -> str:
        return json.dumps(result_to_dict(evaluate(parse_facts(body))))

    print(f"pathway {CURRENT_VERSION}, {len(facts)} example cases, {_pin_one_core()}")
    for label, work, items in (
        ("engine (parsed facts -> result)", evaluate, facts),
        ("parse + evaluate + JSON output", whole_request, bodies),
    ):
        _rate(work, items, 0.3)  # warm-up
        rates = [_rate(work, items, seconds) for _ in range(rounds)]
        median = statistics.median(rates)
        print(
            f"  {label:34s} median {median:9,.0f} evaluations/s "
            f"({1e6 / median:5.1f} µs each; min {min(rates):,.0f}, max {max(rates):,.0f})"
        )


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
