"""The worklist board: every case of the hospital in its stage, the days in it, filters,
pagination, the API, roles and a fixed query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.analytics import worklist
from apps.analytics.worklist import stage_counts, worklist_cases
from apps.recommendations.services import recommendation_create
from tests.analytics.conftest import case, decide, item, meeting, snapshot
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

FACTS = "bilobar-two-stage-primary-in-situ"


@pytest.fixture
def cases(hospital, other_hospital, coordinator):
    """One case in each stage the records can reach (names say which), and one elsewhere."""
    made = {
        "referred": case(hospital, "2026-03-01", referring_clinician="Dr Able"),
        "preparing": CaseFactory(patient__hospital=hospital, facts=FACTS),
        "stale": CaseFactory(patient__hospital=hospital, facts=FACTS),
        "ready": CaseFactory(patient__hospital=hospital, facts=FACTS),
        "listed": case(hospital, "2026-02-01"),
        "left_on_closed": case(hospital, "2026-01-15", referring_clinician="Dr Able"),
        "discussed": case(hospital, "2026-01-05"),
        "closed": case(hospital, "2025-06-01", status="closed"),
        "withdrawn": case(hospital, "2025-07-01", status="withdrawn"),
    }
    # A recommendation made before the facts last changed is not current.
    old = snapshot(made["stale"])
    old.facts_updated_at = made["stale"].facts_updated_at - datetime.timedelta(days=1)
    old.save()
    recommendation_create(case=made["ready"], actor=coordinator)
    upcoming = meeting(hospital, "2026-12-01", closed=False)
    item(upcoming, made["listed"])
    past = meeting(hospital, "2026-02-10")
    item(past, made["left_on_closed"])
    decide(item(past, made["discussed"]), coordinator)
    made["theirs"] = case(other_hospital, "2026-01-01")
    return made


def _stages(user, **filters):
    return {c.id: c.stage for c in worklist_cases(user=user, **filters)}


def test_each_case_is_in_its_stage(viewer, cases):
    stages = _stages(viewer)
    expected = {
        "referred": "referred",
        "preparing": "in_preparation",
        "stale": "in_preparation",
        "ready": "ready",
        "listed": "on_agenda",
        "left_on_closed": "referred",  # listed on a signed-off meeting, never decided
        "discussed": "discussed",
        "closed": "closed",
        "withdrawn": "closed",
    }
    assert {name: stages[cases[name].id] for name in expected} == expected
    assert cases["theirs"].id not in stages


def test_discussed_case_listed_again_is_on_an_agenda(viewer, hospital, cases):
    item(meeting(hospital, "2026-12-08", closed=False), cases["discussed"])
    assert _stages(viewer)[cases["discussed"].id] == "on_agenda"


def test_counts_list_every_stage_in_order(viewer, cases):
    counts = stage_counts(worklist_cases(user=viewer))
    assert list(counts) == [
        "referred",
        "in_preparation",
        "ready",
        "on_agenda",
        "discussed",
        "treatment_started",
        "follow_up",
        "closed",
    ]
    assert counts == {
        "referred": 2,
        "in_preparation": 2,
        "ready": 1,
        "on_agenda": 1,
        "discussed": 1,
        "treatment_started": 0,
        "follow_up": 0,
        "closed": 2,
    }


def test_stage_hooks_are_single_functions(viewer, cases, monkeypatch):
    from django.db.models import Q

    # The treatment records replace this test; the board follows without other change.
    monkeypatch.setattr(worklist, "has_started_treatment", lambda: Q(pk=cases["discussed"].pk))
    assert _stages(viewer)[cases["discussed"].id] == "treatment_started"


def test_days_in_stage_count_from_the_stage_start(viewer, cases):
    found = {c.id: c for c in worklist_cases(user=viewer)}
    today = timezone.localdate()
    assert found[cases["referred"].id].stage_since == datetime.date(2026, 3, 1)
    assert found[cases["discussed"].id].stage_since == datetime.date(2026, 2, 10)
    assert found[cases["listed"].id].stage_since == today  # listed today
    assert worklist.days_in_stage(found[cases["discussed"].id], datetime.date(2026, 2, 20)) == 10


def test_oldest_in_stage_first(viewer, cases):
    referred = list(worklist_cases(user=viewer, stage="referred"))
    assert [c.id for c in referred] == [cases["left_on_closed"].id, cases["referred"].id]


def test_filters_by_clinician_and_search(viewer, cases):
    assert set(_stages(viewer, referring_clinician="Dr Able")) == {
        cases["referred"].id,
        cases["left_on_closed"].id,
    }
    family = cases["ready"].patient.family_name
    assert set(_stages(viewer, query=family.lower())) == {cases["ready"].id}
    mrn = cases["closed"].patient.mrn
    assert set(_stages(viewer, query=mrn)) == {cases["closed"].id}


# The page.


def _page(client, user, **query):
    client.force_login(user)
    return client.get(reverse("analytics:worklist"), query)


@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
def test_board_page_shows_every_stage(client, make_user, cases, role):
    response = _page(client, make_user(role))
    assert response.status_code == 200
    page = response.content.decode()
    for stage in ("referred", "in_preparation", "on_agenda", "treatment_started", "closed"):
        assert f'id="column-{stage}"' in page
    assert cases["listed"].patient.family_name.upper() in page
    assert cases["theirs"].patient.family_name.upper() not in page


def test_board_page_one_stage_is_a_table(client, viewer, cases):
    page = _page(client, viewer, stage="referred").content.decode()
    assert 'class="worklist-table"' in page
    assert page.index(cases["left_on_closed"].patient.family_name.upper()) < page.index(
        cases["referred"].patient.family_name.upper()
    )
    assert cases["ready"].patient.family_name.upper() not in page
    assert 'aria-current="page"><span class="stage-number">2</span>' in page


def test_board_page_filters_keep_each_other(client, viewer, cases):
    page = _page(client, viewer, referring_clinician="Dr Able").content.decode()
    assert 'href="?referring_clinician=Dr+Able&amp;stage=referred"' in page
    assert cases["ready"].patient.family_name.upper() not in page


def test_board_page_paginates_a_stage(client, viewer, hospital):
    for _ in range(27):
        CaseFactory(patient__hospital=hospital)
    first = _page(client, viewer, stage="referred").content.decode()
    assert "Page 1 of 2 · 27 cases" in first
    second = _page(client, viewer, stage="referred", page="2").content.decode()
    assert second.count("<tr>") == 1 + 2  # the header and two cases


def test_board_page_no_match(client, viewer, cases):
    page = _page(client, viewer, q="NOBODY-SUCH").content.decode()
    assert "No case matches these filters" in page


@pytest.mark.parametrize(
    "query",
    [
        {"q": "nul\x00byte"},
        {"referring_clinician": "Dr\x00Able"},
        {"stage": "limbo"},
        {"stage": "referred", "page": "999"},
        {"stage": "referred", "page": "-1"},
    ],
)
def test_board_page_odd_input_never_fails(client, viewer, cases, query):
    assert _page(client, viewer, **query).status_code == 200


def test_board_page_empty_hospital(client, make_user, other_hospital):
    user = make_user("viewer", hospital=other_hospital)
    assert "No cases yet" in _page(client, user).content.decode()


def test_board_page_refuses_an_account_without_role(client, make_user):
    assert _page(client, make_user(None)).status_code == 403


def test_board_page_query_count_does_not_grow(
    client, viewer, hospital, cases, django_assert_max_num_queries
):
    _page(client, viewer)
    for _ in range(10):
        CaseFactory(patient__hospital=hospital, referring_clinician="Dr Many")
    # Session, user, roles, hospital; clinicians, counts, the board (one query).
    url = reverse("analytics:worklist")
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(9):  # a stage: its count and its page
        assert client.get(url, {"stage": "referred"}).status_code == 200


# The API.


def test_api_lists_cases_with_stage_and_counts(client_for, viewer, cases):
    body = client_for(viewer, token=True).get(reverse("api:worklist")).json()
    assert body["count"] == 9
    assert body["counts"]["referred"] == 2
    listed = next(row for row in body["results"] if row["id"] == str(cases["listed"].id))
    assert listed["stage"] == "on_agenda"
    assert listed["days_in_stage"] == 0
    assert set(listed["patient"]) == {"mrn", "family_name", "given_name"}


def test_api_filters(client_for, viewer, cases):
    client = client_for(viewer)
    body = client.get(reverse("api:worklist"), {"stage": "closed"}).json()
    assert {row["id"] for row in body["results"]} == {
        str(cases["closed"].id),
        str(cases["withdrawn"].id),
    }
    assert body["counts"]["ready"] == 1  # counts ignore the stage filter
    body = client.get(reverse("api:worklist"), {"referring_clinician": "Dr Able"}).json()
    assert body["count"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [({"stage": "limbo"}, "stage"), ({"page_size": "0"}, "page_size"), ({"sort": "x"}, "sort")],
)
def test_api_bad_filters_are_400(client_for, viewer, query, field):
    response = client_for(viewer).get(reverse("api:worklist"), query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_api_other_hospital_sees_only_its_case(client_for, make_user, other_hospital, cases):
    body = client_for(make_user("viewer", hospital=other_hospital)).get(reverse("api:worklist"))
    assert [row["id"] for row in body.json()["results"]] == [str(cases["theirs"].id)]


def test_api_query_count_does_not_grow(
    client_for, viewer, hospital, cases, django_assert_max_num_queries
):
    client = client_for(viewer, token=True)
    client.get(reverse("api:worklist"))
    for _ in range(10):
        CaseFactory(patient__hospital=hospital)
    # Token, user, roles, hospital; counts, the page's count and its rows.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("api:worklist"), {"page_size": 100}).status_code == 200
