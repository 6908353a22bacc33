"""A database that cannot be reached answers 503 with Retry-After (JSON for the API, the styled
"temporarily unavailable" page for the browser), not a server error; and after a database
restart, the next request reconnects instead of failing on its dead connection.

These are real outages: the connection is pointed at a port where nothing listens, or the
database server ends the connection's backend."""

import io
import json
from contextlib import contextmanager

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_down():
    """Every new connection goes to a closed port until the block ends."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_api_answers_503_json_with_retry_after_while_the_database_is_down(coordinator):
    client = APIClient()
    client.force_authenticate(coordinator)
    with database_down():
        response = client.get(reverse("api:case-list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert "temporarily unavailable" in response.json()["message"]
    assert response.json()["errors"] == {}


def test_token_login_answers_503_json_while_the_database_is_down(coordinator):
    with database_down():
        response = APIClient().post(
            reverse("api:auth-token"),
            {"username": coordinator.username, "password": "whatever-it-is"},
            format="json",
        )
    assert response.status_code == 503
    assert response.json()["message"]


def test_page_answers_the_styled_503_page_while_the_database_is_down(coordinator):
    client = Client()
    client.force_login(coordinator)  # the session is read from the database on the next page
    client.raise_request_exception = False
    with database_down():
        response = client.get(reverse("workspace:case-list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Temporarily unavailable" in page
    assert 'href="/static/css/app.css"' in page


def _wsgi_login(username):
    """A token login through the WSGI handler as a server makes it, with the connection
    handling of each request (the test client skips it). It reads the database (the user, the
    throttles' counts)."""
    body = json.dumps({"username": username, "password": "not-the-password"}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": reverse("api:auth-token"),
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    statuses = []
    body = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    b"".join(body)
    return int(statuses[0].split()[0])


def test_a_restarted_database_does_not_fail_the_next_request(viewer):
    """With CONN_HEALTH_CHECKS the persistent connection is checked as a request begins: one the
    server ended (a restart) is replaced before it is used."""
    assert _wsgi_login(viewer.username) == 400
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname=settings_dict["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    assert _wsgi_login(viewer.username) == 400  # not 503 on the dead connection
