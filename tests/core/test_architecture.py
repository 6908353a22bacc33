"""The dependency order of the apps is enforced: `lint-imports` (import-linter, configured in
pyproject.toml) passes on the code as it is, and fails on a scratch copy given one wrong import,
naming the contract it breaks. `make test` runs the linter itself too; this proves it can fail."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own linter on our own copy
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    for name in ("apps", "config"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(folder: Path, module: str, line: str) -> None:
    path = folder / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}\n")


def test_contracts_hold_on_the_code(scratch):
    result = _lint(scratch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # A lower app reaching up: the clinical records must not know the meetings.
        (
            "apps.patients.services",
            "from apps.meetings.choices import MeetingStatus  # noqa",
            "apps.patients is not allowed to import apps.meetings",
        ),
        # Indirectly counts too: imaging -> config's API routes -> the workspace's case API.
        (
            "apps.imaging.models",
            "import config.api_router  # noqa",
            "apps.imaging is not allowed to import apps.workspace",
        ),
        # Django in the pathway engine.
        (
            "apps.pathways.facts",
            "import django.db  # noqa",
            "apps.pathways is not allowed to import django",
        ),
        # An app's API leaning on its browser pages.
        (
            "apps.meetings.api.views.agenda",
            "from apps.meetings.views import common  # noqa",
            "apps.meetings.api is not allowed to import apps.meetings.views",
        ),
        # A cycle inside one app: selectors reading back from services.
        (
            "apps.meetings.selectors.votes",
            "from apps.meetings.services import votes as _votes  # noqa",
            "No cycles are allowed in apps.meetings",
        ),
    ],
    ids=["upward", "indirect", "django-in-pathways", "api-imports-views", "cycle"],
)
def test_a_wrong_import_breaks_a_contract(scratch, module, line, broken):
    _append(scratch, module, line)
    result = _lint(scratch)
    assert result.returncode == 1, result.stdout
    assert broken in " ".join(result.stdout.split())
