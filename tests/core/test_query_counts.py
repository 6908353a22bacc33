"""List endpoints run a fixed number of queries, however many rows: no N+1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.meetings.models import AgendaItem
from tests.conftest import example
from tests.factories import CaseFactory, ImagingStudyFactory, MeetingFactory

pytestmark = pytest.mark.django_db

FACTS = example("surgeon-review-pending-extensive")  # seven lesions


def _fill(hospital, count):
    meeting = MeetingFactory(hospital=hospital)
    cases = [CaseFactory(patient__hospital=hospital, facts=FACTS) for _ in range(count)]
    for position, case in enumerate(cases, start=1):
        ImagingStudyFactory(case=case)
        AgendaItem.objects.create(meeting=meeting, case=case, position=position)
    return meeting, cases


@pytest.mark.parametrize(
    "route",
    [
        lambda m, c: reverse("api:patient-list"),
        lambda m, c: reverse("api:case-list"),
        lambda m, c: reverse("api:lesion-list"),
        lambda m, c: reverse("api:imaging-study-list"),
        lambda m, c: reverse("api:meeting-list"),
        lambda m, c: reverse("api:meeting-agenda", args=[m.id]),
        lambda m, c: reverse("api:case-history", args=[c[0].id]),
        lambda m, c: reverse("api:case-facts", args=[c[0].id]),
    ],
    ids=["patients", "cases", "lesions", "studies", "meetings", "agenda", "history", "facts"],
)
def test_list_query_count_does_not_grow_with_rows(
    coordinator_client, hospital, django_assert_max_num_queries, route
):
    meeting, cases = _fill(hospital, 2)
    coordinator_client.get(route(meeting, cases))  # warm caches (content types)
    with CaptureQueriesContext(connection) as small:
        assert coordinator_client.get(route(meeting, cases)).status_code == 200
    more_meeting, more_cases = (
        meeting,
        cases + [CaseFactory(patient__hospital=hospital, facts=FACTS) for _ in range(6)],
    )
    for position, case in enumerate(more_cases[2:], start=3):
        ImagingStudyFactory(case=case)
        AgendaItem.objects.create(meeting=meeting, case=case, position=position)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert coordinator_client.get(route(more_meeting, more_cases)).status_code == 200
