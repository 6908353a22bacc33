"""The benchmark scripts keep working (their figures are read from their output, not asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pathway_bench_prints_its_in_process_figures():
    completed = subprocess.run(
        [sys.executable, "bench/pathway.py", "--skip-http", "--seconds", "0.05", "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "engine (parsed facts -> result)" in completed.stdout
    assert "evaluations/s" in completed.stdout


def test_concordance_bench_prints_its_figures():
    completed = subprocess.run(
        [
            sys.executable,
            "bench/concordance.py",
            "--sqlite",
            "--meetings",
            "2",
            "--items",
            "2",
            "--rounds",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "every meeting" in completed.stdout
    assert "queries" in completed.stdout


def test_summary_bench_prints_its_figures():
    completed = subprocess.run(
        [sys.executable, "bench/summary.py", "--sqlite", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "meeting summary on SQLite" in completed.stdout
    assert "growth of the total" in completed.stdout


def test_live_bench_prints_its_figures():
    completed = subprocess.run(
        [sys.executable, "bench/live.py", "--sqlite", "--items", "2", "--requests", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "poll of a current page (304)" in completed.stdout
    assert "status 304" in completed.stdout and "status 200" in completed.stdout


def test_scale_bench_fills_and_prints_every_page():
    completed = subprocess.run(
        [
            sys.executable,
            "bench/scale.py",
            "--sqlite",
            "--cases",
            "30",
            "--meetings",
            "4",
            "--requests",
            "2",
            "--skip-http",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "data: 30 cases, 4 meetings" in completed.stdout
    for page in ("dashboard", "case page", "concordance, ten years", "API /me/ (the floor)"):
        assert page in completed.stdout
