"""The pages and API answers bench/scale.py measures run a pinned number of queries, however
many cases, meetings and actions there are: a new query on one of them (an N+1, a second count)
shows here first, with the page's name.

Each is read over a small board, then over a larger one (more cases on the agenda, each with
facts, a recommendation and an action; more meetings): the count must be the same both times,
and equal to the number pinned below. Change a pin only for a query the page really needs.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import action_add
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

FACTS = "solitary-metachronous-low-risk"
NEXT_WEEK = timezone.now() + datetime.timedelta(days=7)

# (name, address(meeting, case), queries with a logged-in session)
PAGES = [
    # Three of the tasks' sources read their first few and a flag a row to count them; the
    # liver panel's add one each: the user's panel memberships, the cases due back to a panel.
    ("dashboard", lambda m, c: reverse("home"), 20),
    ("case list", lambda m, c: reverse("workspace:case-list"), 7),
    ("case search", lambda m, c: reverse("workspace:case-list") + "?q=" + c.patient.mrn[:3], 7),
    # The liver panel section: the case's rounds, and the panels a coordinator may send to.
    ("case page", lambda m, c: reverse("workspace:case-detail", args=[c.id]), 15),
    ("audit trail", lambda m, c: reverse("workspace:case-history-audit", args=[c.id]), 23),
    ("meeting page", lambda m, c: reverse("meetings:meeting-detail", args=[m.id]), 19),
    ("meetings, past", lambda m, c: reverse("meetings:meeting-list") + "?when=past", 8),
    # concordance: 8 of its own + 2 of the registered "ehr_feedback" source (apps/cdshooks).
    ("concordance", lambda m, c: reverse("api:meeting-concordance"), 10),
    (
        "concordance, a year",
        lambda m, c: reverse("api:meeting-concordance") + "?from=2020-01-01&to=2020-12-31",
        10,
    ),
    ("API cases", lambda m, c: reverse("api:case-list") + "?page_size=100", 7),
    ("API meetings", lambda m, c: reverse("api:meeting-list"), 8),
    ("API patients", lambda m, c: reverse("api:patient-list") + "?family_name=a", 7),
    ("API me", lambda m, c: reverse("api:me"), 5),
]


def _add_board(hospital, coordinator, meeting, count):
    """`count` cases with facts and a recommendation on the meeting's agenda, each with an
    action for the coordinator; and as many signed-off meetings."""
    cases = []
    for _ in range(count):
        case = CaseFactory(patient__hospital=hospital, facts=FACTS)
        recommendation_create(case=case, actor=coordinator)
        item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
        action_add(
            item=item,
            actor=coordinator,
            description="Book a scan",
            owner=coordinator,
            due_on=timezone.localdate(),
        )
        MeetingFactory(
            hospital=hospital,
            scheduled_for=timezone.now() - datetime.timedelta(days=7),
            status="closed",
        )
        cases.append(case)
    return cases


@pytest.mark.parametrize(("name", "address", "pinned"), PAGES, ids=[page[0] for page in PAGES])
def test_page_query_count_is_pinned_and_does_not_grow(
    client, hospital, coordinator, name, address, pinned
):
    meeting = MeetingFactory(hospital=hospital, scheduled_for=NEXT_WEEK)
    first = _add_board(hospital, coordinator, meeting, 2)[0]
    client.force_login(coordinator)
    url = address(meeting, first)
    client.get(url)  # warm per-process caches (content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add_board(hospital, coordinator, meeting, 5)
    # The worklist's stages of the new cases are computed at the first read after a change
    # (a fixed number of queries, tests/analytics/test_worklist.py); then the count is pinned.
    client.get(url)
    with CaptureQueriesContext(connection) as larger:
        assert client.get(url).status_code == 200
    counts = (len(small.captured_queries), len(larger.captured_queries))
    assert counts == (pinned, pinned), name
