"""Headers every answer carries: a strict Content-Security-Policy (and templates that need no
inline script or style under it), Cache-Control no-store on pages and API answers; and the
production settings: HSTS, `check --deploy` clean, a weak SECRET_KEY refused at start-up."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# Rendered to PDF by WeasyPrint, never served to a browser.
NOT_SERVED = ("summaries/pdf",)


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_and_api_carry_a_strict_content_security_policy(client, viewer, client_for):
    client.force_login(viewer)
    for response in (
        client.get(reverse("home")),
        client.get(reverse("login")),
        client_for(viewer).get(reverse("api:me")),
    ):
        directives = _directives(response)
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on attribute (inline script)"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_hold_no_inline_script_or_style():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT / "templates").as_posix()
        if relative.startswith(NOT_SERVED):
            continue
        text = path.read_text()
        found += [f"{relative}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []


def test_htmx_is_configured_for_the_policy(client):
    page = client.get(reverse("login")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', page).group(1)
    assert '"includeIndicatorStyles":false' in config
    assert '"allowEval":false' in config


def test_authenticated_pages_and_api_answers_are_not_stored(client, viewer, client_for):
    client.force_login(viewer)
    for response in (
        client.get(reverse("home")),
        client.get(reverse("workspace:case-list")),
        client_for(viewer).get(reverse("api:case-list")),
        client_for(viewer).get("/api/v1/cases/0.5/"),
    ):
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_static_files_keep_their_caching(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def _production(*args, secret_key):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "mdt.example.org",
        "DATABASE_URL": "sqlite:////tmp/deploy-check-unused.sqlite3",
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(  # noqa: S603 (this repository's own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    completed = _production(
        "check", "--deploy", "--fail-level", "WARNING", secret_key=secrets.token_urlsafe(50)
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout


def test_production_settings_send_hsts():
    completed = _production(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT)",
        secret_key=secrets.token_urlsafe(50),
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["31536000", "True", "True"]


@pytest.mark.parametrize(
    "weak",
    ["test-only-not-secret", "short", "django-insecure-" + "x" * 50, "a" * 60],
)
def test_a_weak_secret_key_stops_production_start_up(weak):
    completed = _production("check", secret_key=weak)
    assert completed.returncode != 0
    assert "SECRET_KEY is too weak" in completed.stderr
