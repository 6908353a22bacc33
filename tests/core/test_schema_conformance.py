"""The API answers what its OpenAPI schema says, for whatever a client sends: Schemathesis
generates requests for every operation of the schema from the schema itself, sends them as a
coordinator of a hospital holding a case, a meeting in progress with that case on its agenda, a
decision, an action and a ready summary (the path's ids are theirs), and checks each answer: no
server error, a documented status code, the documented content type, a body that matches the
documented schema.

A fixed seed and a few examples per operation keep it within the suite's time; set
SCHEMATHESIS_EXAMPLES for a longer run (README, "A longer schema run")."""

import hashlib
import json
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, seed, settings
from schemathesis import checks as schemathesis_checks

from apps.meetings.services import agenda_item_add
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import action_add, decision_record
from apps.recommendations.services import recommendation_create
from apps.summaries.models import MeetingSummary, MeetingSummaryLetter
from tests.conftest import obtain_token
from tests.factories import CaseFactory, ImagingStudyFactory, MeetingFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20261"))


def _document() -> dict:
    """The schema /api/v1/schema/ serves, as JSON (the endpoint itself needs a login, and the
    operations are collected before any test logs in)."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_document())
schema.app = get_wsgi_application()

CHECKS = [
    schemathesis_checks.not_a_server_error,
    schemathesis_checks.status_code_conformance,
    schemathesis_checks.content_type_conformance,
    schemathesis_checks.response_schema_conformance,
]
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    schemathesis_checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def kept_connection():
    """The WSGI handler closes the database connection around each request, as it would in a
    server; inside a test's transaction it must not (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(hospital, make_user, coordinator):
    """A hospital's records for the generated requests to act on, and the coordinator's token."""
    chair = make_user("clinician", specialty="medical_oncologist")
    surgeon = make_user("clinician", specialty="liver_surgeon")
    radiologist = make_user("clinician", specialty="radiologist")
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    snapshot = recommendation_create(case=case, actor=coordinator)
    meeting = MeetingFactory(hospital=hospital, status="in_progress", chair=chair)
    for member in (chair, surgeon, radiologist):
        attendance = attendance_add(meeting=meeting, actor=coordinator, user=member)
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
    decision_record(
        item=item,
        actor=chair,
        data={
            "agreement": "agree",
            "plan_codes": [],
            "plan_text": "As recommended.",
            "intent": "curative",
            "recommendation": None,
        },
    )
    action = action_add(
        item=item,
        actor=coordinator,
        description="Book CT",
        owner=surgeon,
        due_on=meeting.scheduled_for.date(),
    )
    pdf = b"%PDF-1.4 fictional"
    summary = MeetingSummary.objects.create(
        meeting=meeting,
        version=1,
        data={"cases": []},
        content_key="k" * 64,
        draft=True,
        status="ready",
        requested_by=coordinator,
        pdf=pdf,
        checksum=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
    )
    MeetingSummaryLetter.objects.create(
        summary=summary,
        agenda_item=item,
        item_ref=item.pk,
        position=1,
        patient="Fictional",
        pdf=pdf,
        checksum=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
    )
    return {
        "token": obtain_token(coordinator),
        "ids": {
            "case_id": str(case.pk),
            "meeting_id": str(meeting.pk),
            "item_id": str(item.pk),
            "action_id": str(action.pk),
            "attendance_id": str(attendance.pk),
            "version": "1",
        },
        "by_resource": {
            "cases": str(case.pk),
            "patients": str(case.patient_id),
            "meetings": str(meeting.pk),
            "imaging-studies": str(ImagingStudyFactory(case=case).pk),
            "lesions": str(case.liver_lesions.first().pk),
        },
        "snapshot": snapshot,
    }


def _real_ids(case, world):
    """The path's ids, replaced by the world's records (`{id}` is the resource's own)."""
    resource = case.path.removeprefix("/api/v1/").split("/", 1)[0]
    for name in list(case.path_parameters or {}):
        if name == "id":
            case.path_parameters[name] = world["by_resource"][resource]
        elif name in world["ids"]:
            case.path_parameters[name] = world["ids"][name]


@pytest.mark.django_db
@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(case, world):
    _real_ids(case, world)
    case.headers = {**(case.headers or {}), "Authorization": f"Token {world['token']}"}
    with kept_connection():
        case.call_and_validate(checks=CHECKS)
