"""Nothing identifying reaches the logs: query strings (which may carry an MRN) are dropped
from logged request lines."""

import logging

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from rest_framework.test import APIClient

from apps.core.logging import RedactQueryStringFilter
from apps.core.models import Hospital, StaffProfile


def test_redact_filter_drops_query_string_from_request_line():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /api/v1/cases/?mrn=HOSP-123456&status=scheduled HTTP/1.1", "200", "512"),
        None,
    )
    RedactQueryStringFilter().filter(record)
    message = record.getMessage()
    assert "HOSP-123456" not in message
    assert "/api/v1/cases/?[redacted] HTTP/1.1" in message


def test_redact_filter_leaves_plain_paths_alone():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/api/v1/cases/",), None
    )
    RedactQueryStringFilter().filter(record)
    assert record.getMessage() == "Not Found: /api/v1/cases/"


@pytest.mark.django_db
def test_rejected_request_logs_no_identifier(caplog):
    hospital = Hospital.objects.create(name="Log test (fictional)", code="logs")
    user = User.objects.create_user(username="logger", password="x-Logs-12345")
    user.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    StaffProfile.objects.create(user=user, hospital=hospital)
    client = APIClient()
    client.force_authenticate(user)
    payload = {
        "mrn": "SECRET-MRN-42",
        "given_name": "Zed",
        "family_name": "Unlogged",
        "birth_date": "2999-01-01",
        "sex": "male",
    }
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("api:patient-list"), payload, format="json")
        client.get(reverse("api:case-list"), {"mrn": "SECRET-MRN-42", "status": "bogus"})
    assert response.status_code == 400
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for identifier in ("SECRET-MRN-42", "Unlogged", "Zed"):
        assert identifier not in logged
