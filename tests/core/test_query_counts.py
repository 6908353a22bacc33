"""List endpoints run a fixed number of queries, however many rows: no N+1.

Each list is read with a few rows, then with several more (more cases, lesions, studies, agenda
items and history): the query count may not grow. A fixed ceiling, measured through a real token
(authentication, roles and hospital included), catches a slow creep as well.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.meetings.models import AgendaItem
from tests.factories import CaseFactory, ImagingStudyFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

FACTS = "surgeon-review-pending-extensive"  # seven lesions


def _add_cases(hospital, meeting, count):
    """`count` cases with facts, two studies each, on the meeting's agenda with a presenter; and
    as many more meetings, each with a chair (related rows an N+1 would fetch one by one)."""
    start = meeting.agenda_items.count() + 1
    cases = [CaseFactory(patient__hospital=hospital, facts=FACTS) for _ in range(count)]
    for position, case in enumerate(cases, start=start):
        ImagingStudyFactory(case=case)
        ImagingStudyFactory(case=case, modality="mri", diffusion_weighted=True)
        presenter = UserFactory(role="clinician", hospital=hospital)
        AgendaItem.objects.create(
            meeting=meeting, case=case, position=position, presenter=presenter
        )
        MeetingFactory(hospital=hospital, chair=presenter)
    return cases


# (name, url(meeting, first case), ceiling with token authentication)
ROUTES = [
    ("patients", lambda m, c: reverse("api:patient-list"), 6),
    ("cases", lambda m, c: reverse("api:case-list"), 6),
    ("lesions", lambda m, c: reverse("api:lesion-list"), 6),
    ("studies", lambda m, c: reverse("api:imaging-study-list"), 6),
    ("meetings", lambda m, c: reverse("api:meeting-list"), 6),
    # The agenda's readiness checklist: three more, whatever the number of cases.
    ("agenda", lambda m, c: reverse("api:meeting-agenda", args=[m.id]), 9),
    (
        "history",
        lambda m, c: reverse("api:case-history", args=[c.id]),
        21,
    ),  # one history table per kind of record
    ("facts", lambda m, c: reverse("api:case-facts", args=[c.id]), 8),
    ("worklist", lambda m, c: reverse("api:worklist"), 8),
]


@pytest.mark.parametrize(("name", "route", "ceiling"), ROUTES, ids=[r[0] for r in ROUTES])
def test_list_query_count_does_not_grow_with_rows(
    client_for, coordinator, hospital, django_assert_max_num_queries, name, route, ceiling
):
    client = client_for(coordinator, token=True)
    meeting = MeetingFactory(hospital=hospital)
    first = _add_cases(hospital, meeting, 2)[0]
    url = route(meeting, first)
    client.get(url)  # warm per-process caches (content types)
    with CaptureQueriesContext(connection) as few_rows:
        assert client.get(url).status_code == 200

    # Read now: the query log is reset by the next request.
    few_rows_count = len(few_rows.captured_queries)
    assert few_rows_count > 0
    _add_cases(hospital, meeting, 6)
    # More history for the first case: its lesions change one by one.
    for lesion in first.liver_lesions.all():
        client.patch(reverse("api:lesion-detail", args=[lesion.id]), {"size_mm": 33})
    # The first read after changes brings the worklist's stored stages up to date (a fixed
    # number of statements whatever the number of changed cases, pinned in
    # tests/analytics/test_stored_stages.py); the read measured here is the steady one, as the
    # few rows' read was.
    client.get(url)

    with django_assert_max_num_queries(min(few_rows_count, ceiling)):
        response = client.get(url, {"page_size": 100} if name != "agenda" else None)
    assert response.status_code == 200
    body = response.json()
    rows = body if isinstance(body, list) else body.get("results", body)
    if name not in ("facts",):
        assert len(rows) >= 8, name  # the guard ran over several rows
