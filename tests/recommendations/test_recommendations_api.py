"""A case's recommendation snapshots through the API: POST makes one (who, when, the facts as
evaluated), GET reads the newest, the history lists them newest first, and a change of the facts
makes them stale."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.imaging.models import LiverLesion
from apps.pathways import registry
from apps.pathways.result import result_to_dict
from apps.patients.models import MdtCase
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.selectors import recommendation_latest, recommendation_latest_read
from apps.recommendations.services import recommendation_create
from tests.conftest import example
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

FACTS = "solitary-metachronous-low-risk"
CHANGED = "resectable-after-four-cycles"  # same age as FACTS, a different result
OUTPUT_FIELDS = {
    "id",
    "case",
    "pathway_version",
    "primary_code",
    "resectability",
    "stale",
    "stale_reason",
    "created_by",
    "created_by_name",
    "created_at",
    "facts",
    "result",
}


@pytest.fixture
def case(hospital):
    return CaseFactory(patient__hospital=hospital, facts=FACTS)


@pytest.fixture
def clinician_client(client_for, clinician):
    return client_for(clinician)


def _url(case, name="api:case-recommendation"):
    return reverse(name, args=[case.id if hasattr(case, "id") else case])


def _recommend(client, case):
    return client.post(_url(case))


def _latest(client, case):
    return client.get(_url(case))


def _history(client, case, **params):
    return client.get(_url(case, "api:case-recommendations"), params)


def test_recommendation_create_records_who_when_and_the_facts_as_evaluated(
    clinician_client, clinician, case
):
    facts = clinician_client.get(reverse("api:case-facts", args=[case.id])).json()

    response = _recommend(clinician_client, case)

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == OUTPUT_FIELDS
    assert body["case"] == str(case.id)
    assert body["pathway_version"] == registry.CURRENT_VERSION
    assert body["created_by"] == clinician.username
    assert body["created_by_name"] == clinician.get_full_name()
    assert body["created_at"]
    assert (body["stale"], body["stale_reason"]) == (False, None)
    assert body["facts"] == facts
    assert body["result"] == result_to_dict(registry.evaluate_input(facts))
    assert body["primary_code"] == "HEPATECTOMY"
    assert body["resectability"] == "resectable"

    snapshot = RecommendationSnapshot.objects.get(pk=body["id"])
    assert snapshot.case_id == case.id
    assert snapshot.created_by == clinician
    assert snapshot.facts_updated_at == MdtCase.objects.get(pk=case.pk).facts_updated_at


def test_recommendation_create_is_audited_with_its_author(clinician_client, clinician, case):
    snapshot_id = _recommend(clinician_client, case).json()["id"]

    rows = list(RecommendationSnapshot.history.filter(id=snapshot_id))

    assert [(row.history_type, row.history_user) for row in rows] == [("+", clinician)]
    assert rows[0].primary_code == "HEPATECTOMY"
    assert rows[0].facts == RecommendationSnapshot.objects.get(pk=snapshot_id).facts


def test_recommendation_coordinator_may_create(coordinator_client, coordinator, case):
    response = _recommend(coordinator_client, case)

    assert response.status_code == 201
    assert response.json()["created_by"] == coordinator.username


def test_recommendation_viewer_may_read_but_not_create(client_for, viewer, clinician_client, case):
    viewer_client = client_for(viewer, token=True)

    response = _recommend(viewer_client, case)

    assert response.status_code == 403
    assert response.json()["message"]
    assert not RecommendationSnapshot.objects.exists()
    _recommend(clinician_client, case)
    assert _latest(viewer_client, case).status_code == 200
    assert _history(viewer_client, case).json()["count"] == 1


def test_recommendation_latest_is_the_newest(clinician_client, coordinator_client, case):
    _recommend(clinician_client, case)
    newest = _recommend(coordinator_client, case).json()

    response = _latest(clinician_client, case)

    assert response.status_code == 200
    assert response.json() == newest


def test_recommendation_latest_without_any_is_a_clear_404(clinician_client, case):
    response = _latest(clinician_client, case)

    assert response.status_code == 404
    body = response.json()
    assert "No recommendation" in body["message"]
    assert list(body["errors"]) == [""]


def test_recommendation_history_is_newest_first_and_paginated(clinician_client, case):
    made = [_recommend(clinician_client, case).json()["id"] for _ in range(3)]

    body = _history(clinician_client, case).json()

    assert body["count"] == 3
    assert [item["id"] for item in body["results"]] == made[::-1]
    assert all(set(item) == OUTPUT_FIELDS for item in body["results"])
    page = _history(clinician_client, case, page_size=2, page=2).json()
    assert [item["id"] for item in page["results"]] == made[:1]


def test_recommendation_history_of_a_case_without_any_is_empty(clinician_client, case):
    body = _history(clinician_client, case).json()

    assert (body["count"], body["results"]) == (0, [])


def test_recommendation_history_lists_only_the_cases_own(clinician_client, hospital, case):
    other = CaseFactory(patient__hospital=hospital, facts=FACTS)
    _recommend(clinician_client, other)
    ours = _recommend(clinician_client, case).json()["id"]

    assert [item["id"] for item in _history(clinician_client, case).json()["results"]] == [ours]


# --- staleness ----------------------------------------------------------------------------------


def test_recommendation_turns_stale_when_the_facts_change_and_fresh_after_a_new_post(
    clinician_client, coordinator_client, case
):
    first = _recommend(clinician_client, case).json()

    put = coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), example(CHANGED), format="json"
    )
    assert put.status_code == 200

    stale = _latest(clinician_client, case).json()
    assert stale["id"] == first["id"]
    assert (stale["stale"], stale["stale_reason"]) == (True, "facts_changed")
    assert stale["facts"] == first["facts"]  # the snapshot keeps what it was based on
    assert stale["result"] == first["result"]

    fresh = _recommend(clinician_client, case).json()
    assert (fresh["stale"], fresh["stale_reason"]) == (False, None)
    assert fresh["facts"] == put.json()
    assert fresh["primary_code"] == "HEPATECTOMY"
    assert fresh["result"] != first["result"]
    assert _latest(clinician_client, case).json()["id"] == fresh["id"]
    history = _history(clinician_client, case).json()["results"]
    assert [(item["id"], item["stale"]) for item in history] == [
        (fresh["id"], False),
        (first["id"], True),
    ]


def test_recommendation_turns_stale_when_a_lesion_changes(
    clinician_client, coordinator_client, case
):
    _recommend(clinician_client, case)
    lesion = LiverLesion.objects.get(case=case)

    response = coordinator_client.patch(
        reverse("api:lesion-detail", args=[lesion.id]), {"size_mm": 55}, format="json"
    )
    assert response.status_code == 200

    latest = _latest(clinician_client, case).json()
    assert (latest["stale"], latest["stale_reason"]) == (True, "facts_changed")
    fresh = _recommend(clinician_client, case).json()
    assert fresh["stale"] is False
    assert fresh["facts"]["liver"]["lesions"][0]["size_mm"] == 55


def test_recommendation_stays_fresh_when_the_same_facts_are_put_again(
    clinician_client, coordinator_client, case
):
    _recommend(clinician_client, case)

    coordinator_client.put(reverse("api:case-facts", args=[case.id]), example(FACTS), format="json")

    assert _latest(clinician_client, case).json()["stale"] is False


def test_recommendation_stays_fresh_when_the_question_changes(
    clinician_client, coordinator_client, case
):
    _recommend(clinician_client, case)

    coordinator_client.patch(
        reverse("api:case-detail", args=[case.id]), {"question": "Other?"}, format="json"
    )

    assert _latest(clinician_client, case).json()["stale"] is False


def test_recommendation_of_an_earlier_pathway_version_is_stale(clinician_client, case):
    snapshot_id = _recommend(clinician_client, case).json()["id"]
    RecommendationSnapshot.objects.filter(pk=snapshot_id).update(pathway_version="crlm-2025.1")

    latest = _latest(clinician_client, case).json()

    assert (latest["stale"], latest["stale_reason"]) == (True, "pathway_updated")


def test_recommendation_stale_for_both_reasons_names_the_changed_facts(
    clinician_client, coordinator_client, case
):
    snapshot_id = _recommend(clinician_client, case).json()["id"]
    RecommendationSnapshot.objects.filter(pk=snapshot_id).update(pathway_version="crlm-2025.1")
    coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), example(CHANGED), format="json"
    )

    latest = _latest(clinician_client, case).json()

    assert (latest["stale"], latest["stale_reason"]) == (True, "facts_changed")


@pytest.mark.parametrize("facts_changed", [False, True])
@pytest.mark.parametrize("pathway_updated", [False, True])
def test_the_case_pages_read_of_the_latest_judges_staleness_as_the_query_does(
    case, clinician, facts_changed, pathway_updated
):
    """The case page judges the staleness of the newest snapshot against the case row it read,
    in Python: the same answer as the annotation of every other read."""
    recommendation_create(case=case, actor=clinician)
    newest = recommendation_create(case=case, actor=clinician)
    if pathway_updated:
        RecommendationSnapshot.objects.filter(pk=newest.pk).update(pathway_version="crlm-2025.1")
    if facts_changed:
        MdtCase.objects.filter(pk=case.pk).update(
            facts_updated_at=case.facts_updated_at + datetime.timedelta(minutes=1)
        )
    row = MdtCase.objects.get(pk=case.pk)

    read = recommendation_latest_read(case=row)
    queried = recommendation_latest(case=row)

    assert read.pk == queried.pk == newest.pk
    assert (read.stale, read.stale_reason) == (queried.stale, queried.stale_reason)
    assert read.stale == (facts_changed or pathway_updated)
    assert read.created_by == clinician


def test_the_case_pages_read_of_the_latest_without_any_is_none(case):
    assert recommendation_latest_read(case=case) is None


# --- refusals -----------------------------------------------------------------------------------


def test_recommendation_of_a_case_without_facts_is_a_clear_409(clinician_client, hospital):
    bare = CaseFactory(patient__hospital=hospital)

    response = _recommend(clinician_client, bare)

    assert response.status_code == 409
    body = response.json()
    assert "No clinical facts" in body["message"]
    assert list(body["errors"]) == [""]
    assert not RecommendationSnapshot.objects.exists()


def test_recommendation_of_a_case_whose_records_are_broken_is_409(clinician_client, case):
    LiverLesion.objects.filter(case=case).delete()  # not possible through the API

    response = _recommend(clinician_client, case)

    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["liver.lesions"]
    assert not RecommendationSnapshot.objects.exists()


@pytest.mark.parametrize("status", ["closed", "withdrawn"])
def test_recommendation_of_a_finished_case_is_refused_but_stays_readable(
    clinician_client, coordinator_client, case, status
):
    made = _recommend(clinician_client, case).json()
    coordinator_client.patch(
        reverse("api:case-detail", args=[case.id]), {"status": status}, format="json"
    )

    response = _recommend(clinician_client, case)

    assert response.status_code == 409
    assert status in response.json()["message"]
    assert list(response.json()["errors"]) == [""]
    assert _latest(clinician_client, case).json()["id"] == made["id"]
    assert RecommendationSnapshot.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("name", ["api:case-recommendation", "api:case-recommendations"])
def test_recommendation_cannot_be_changed_or_deleted(
    coordinator_client, clinician_client, case, name, method
):
    made = _recommend(clinician_client, case).json()

    response = getattr(coordinator_client, method)(_url(case, name), {"facts": {}}, format="json")

    assert response.status_code == 405
    assert response.json()["message"]
    assert _latest(clinician_client, case).json() == made


def test_recommendation_post_ignores_a_body(clinician_client, case):
    # Nothing in the request chooses what is evaluated: always the case's recorded facts.
    response = clinician_client.post(_url(case), example(CHANGED), format="json")

    assert response.status_code == 201
    assert response.json()["primary_code"] == "HEPATECTOMY"
    assert response.json()["facts"]["treatment"]["preoperative_cycles"] == 0


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("api:case-recommendation", "get"),
        ("api:case-recommendation", "post"),
        ("api:case-recommendations", "get"),
    ],
)
def test_recommendation_of_another_hospitals_case_is_404(
    make_user, client_for, other_hospital, clinician_client, case, name, method
):
    _recommend(clinician_client, case)
    outsider = client_for(make_user("coordinator", hospital=other_hospital))

    response = getattr(outsider, method)(_url(case, name))

    assert response.status_code == 404
    assert response.json()["message"]
    assert RecommendationSnapshot.objects.count() == 1


@pytest.mark.parametrize("case_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
@pytest.mark.parametrize("name", ["api:case-recommendation", "api:case-recommendations"])
def test_recommendation_of_an_unknown_case_is_a_json_404(clinician_client, name, case_id):
    response = clinician_client.get(reverse(name, args=[case_id]))

    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}


@pytest.mark.parametrize("name", ["api:case-recommendation", "api:case-recommendations"])
def test_recommendation_needs_a_login(api_client, case, name):
    assert api_client.get(_url(case, name)).status_code == 401
    assert api_client.post(_url(case, name)).status_code == 401


def test_recommendation_without_a_role_is_refused(make_user, client_for, case):
    client = client_for(make_user(None))

    assert client.get(_url(case)).status_code == 403
    assert _recommend(client, case).status_code == 403


# --- lifecycle ----------------------------------------------------------------------------------


def test_recommendation_of_a_deleted_case_goes_with_it_and_the_history_keeps_it(
    client_for, coordinator, case
):
    client = client_for(coordinator, token=True)
    snapshot_id = _recommend(client, case).json()["id"]

    assert client.delete(reverse("api:case-detail", args=[case.id])).status_code == 204

    assert not RecommendationSnapshot.objects.filter(pk=snapshot_id).exists()
    rows = RecommendationSnapshot.history.filter(id=snapshot_id).order_by("history_date")
    assert [(row.history_type, row.history_user) for row in rows] == [
        ("+", coordinator),
        ("-", coordinator),
    ]


def test_recommendation_made_by_a_deleted_user_keeps_its_snapshot(make_user, client_for, case):
    author = make_user("clinician")
    snapshot_id = _recommend(client_for(author), case).json()["id"]
    author.delete()

    body = _latest(client_for(make_user("viewer")), case).json()

    assert body["id"] == snapshot_id
    assert (body["created_by"], body["created_by_name"]) == (None, None)


def test_recommendation_admin_is_read_only(admin_client, clinician_client, case):
    snapshot_id = _recommend(clinician_client, case).json()["id"]
    base = "/admin/recommendations/recommendationsnapshot/"

    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{snapshot_id}/delete/", {"post": "yes"}).status_code == 403
    assert RecommendationSnapshot.objects.filter(pk=snapshot_id).exists()


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ceiling"), [("api:case-recommendations", 7), ("api:case-recommendation", 6)]
)
def test_recommendation_reads_do_not_grow_with_snapshots(
    client_for, clinician, coordinator_client, case, name, ceiling, django_assert_max_num_queries
):
    client = client_for(clinician, token=True)
    _recommend(client, case)
    url = _url(case, name)
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    few_count = len(few.captured_queries)

    for index in range(6):
        _recommend(client_for(clinician) if index % 2 else coordinator_client, case)
    coordinator_client.put(
        reverse("api:case-facts", args=[case.id]), example(CHANGED), format="json"
    )
    for _ in range(2):
        _recommend(client, case)

    with django_assert_max_num_queries(min(few_count, ceiling)):
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    if name == "api:case-recommendations":
        results = response.json()["results"]
        assert len(results) == 9
        assert [item["stale"] for item in results] == [False] * 2 + [True] * 7


def test_recommendation_appears_in_the_case_audit_trail_without_its_documents(
    clinician_client, clinician, case
):
    snapshot_id = _recommend(clinician_client, case).json()["id"]
    trail = clinician_client.get(reverse("api:case-history", args=[case.id])).json()["results"]
    entries = [entry for entry in trail if entry["record"] == "recommendation"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["action"] == "created"
    assert entry["record_id"] == snapshot_id
    assert entry["user"] == clinician.username
    changed = {change["field"] for change in entry["changes"]}
    assert {"primary_code", "resectability", "pathway_version"} <= changed
    assert not changed & {"facts", "result"}
