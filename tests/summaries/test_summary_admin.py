"""The summaries in the admin: their state is listed, never their PDFs or data, which a list
of versions would otherwise load row by row (megabytes each)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.summaries.services import summary_request
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db

HEAVY = (
    '"meetings_meetingsummary"."pdf"',
    '"meetings_meetingsummary"."data"',
    '"meetings_meetingsummaryletter"."pdf"',
)


@pytest.fixture
def admin_client(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="x-Root-12345")
    client.force_login(superuser)
    return client


@pytest.fixture
def summary(hospital, make_user, django_capture_on_commit_callbacks):
    board = build_summary_meeting(hospital, make_user, cases=2)
    with django_capture_on_commit_callbacks(execute=True):
        made = summary_request(meeting=board["meeting"], actor=board["coordinator"])
    made.refresh_from_db()
    assert made.status == "ready"
    return made


@pytest.mark.parametrize("page", ["changelist", "change"])
def test_summary_admin_loads_no_pdf_or_data(admin_client, summary, page):
    args = [summary.pk] if page == "change" else []
    url = reverse(f"admin:summaries_meetingsummary_{page}", args=args)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)

    assert response.status_code == 200
    shown = (
        summary.content_key
        if page == "change"
        else reverse("admin:summaries_meetingsummary_change", args=[summary.pk])
    )
    assert shown in response.content.decode()
    loaded = [
        column for query in queries.captured_queries for column in HEAVY if column in query["sql"]
    ]
    assert loaded == []
