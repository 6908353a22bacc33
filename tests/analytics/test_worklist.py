"""The worklist board: every case of the hospital in its stage, the days in it, filters,
pagination, the API, roles and a fixed query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.analytics import worklist
from apps.analytics.worklist import FOLLOW_UP_AFTER_DAYS, stage_counts, worklist_cases
from apps.meetings.models import TreatmentGiven
from apps.recommendations.services import recommendation_create
from tests.analytics.conftest import case, decide, item, meeting, snapshot
from tests.factories import CaseFactory, make_ready

pytestmark = pytest.mark.django_db

FACTS = "bilobar-two-stage-primary-in-situ"
READY_FACTS = "solitary-metachronous-low-risk"  # RAS, BRAF and MSI known; no work-up left
TODAY = timezone.localdate()


def treat(the_item, by, *, started_on=TODAY, started=True):
    return TreatmentGiven.objects.create(
        agenda_item=the_item,
        decision=the_item.decisions.get(),
        started=started,
        treatment_code="HEPATECTOMY" if started else "",
        started_on=started_on if started else None,
        matches="yes" if started else "no",
        reason="" if started else "patient_choice",
        recorded_by=by,
    )


@pytest.fixture
def cases(hospital, other_hospital, coordinator):
    """One case in each stage the records can reach (names say which), and one elsewhere."""
    made = {
        "referred": case(hospital, "2026-03-01", referring_clinician="Dr Able"),
        "preparing": CaseFactory(patient__hospital=hospital, facts=FACTS),
        "stale": CaseFactory(patient__hospital=hospital, facts=FACTS),
        "ready": CaseFactory(patient__hospital=hospital, facts=READY_FACTS),
        # Facts and a current recommendation, but no imaging: not ready by the checklist.
        "no_imaging": CaseFactory(patient__hospital=hospital, facts=READY_FACTS),
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
    make_ready(made["ready"], on=TODAY - datetime.timedelta(days=3))
    recommendation_create(case=made["no_imaging"], actor=coordinator)
    upcoming = meeting(hospital, "2026-12-01", closed=False)
    item(upcoming, made["listed"])
    past = meeting(hospital, "2026-02-10")
    item(past, made["left_on_closed"])
    decide(item(past, made["discussed"]), coordinator)
    treated = {
        "treated": {"started_on": TODAY - datetime.timedelta(days=20)},
        "followed_up": {"started_on": TODAY - datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS)},
        "not_started": {"started": False},
    }
    for name, record in treated.items():
        made[name] = case(hospital, "2026-01-05")
        discussed = item(past, made[name])
        decide(discussed, coordinator)
        treat(discussed, coordinator, **record)
    # Treated after one decision, discussed again since: the new decision's treatment is due.
    made["rediscussed"] = case(hospital, "2025-10-01")
    earlier = item(meeting(hospital, "2025-11-03"), made["rediscussed"])
    decide(earlier, coordinator)
    treat(earlier, coordinator, started_on=datetime.date(2025, 11, 20))
    decide(item(past, made["rediscussed"]), coordinator)
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
        "no_imaging": "in_preparation",
        "treated": "treatment_started",
        "followed_up": "follow_up",
        "not_started": "discussed",
        "rediscussed": "discussed",
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
        "in_preparation": 3,
        "ready": 1,
        "on_agenda": 1,
        "discussed": 3,
        "treatment_started": 1,
        "follow_up": 1,
        "closed": 2,
    }


def test_stage_hooks_are_single_functions(viewer, cases, monkeypatch):
    from django.db.models import Q

    # Each stage's test is one function; the board follows it without other change.
    monkeypatch.setattr(worklist, "has_started_treatment", lambda: Q(pk=cases["discussed"].pk))
    assert _stages(viewer)[cases["discussed"].id] == "treatment_started"


def test_ready_is_the_readiness_checklist(viewer, hospital, cases):
    from apps.readiness.models import ReadinessPolicy
    from apps.readiness.selectors import case_readiness

    assert case_readiness(case=cases["ready"], on=TODAY).ready
    assert not case_readiness(case=cases["no_imaging"], on=TODAY).ready
    # The hospital's policy counts: without the dated items and histology, the case without
    # imaging is ready (its facts are known and its recommendation current).
    ReadinessPolicy.objects.update_or_create(
        hospital=hospital,
        defaults={
            "ct_chest_abdomen_pelvis_required": False,
            "liver_mri_required": False,
            "cea_required": False,
            "performance_status_required": False,
            "histology_required": False,
        },
    )
    assert _stages(viewer)[cases["no_imaging"].id] == "ready"
    # The limits count from today: in ten weeks the CEA of the ready case is too old.
    ReadinessPolicy.objects.filter(hospital=hospital).update(cea_required=True)
    later = {
        c.id: c.stage
        for c in worklist_cases(user=viewer, today=TODAY + datetime.timedelta(weeks=10))
    }
    assert later[cases["ready"].id] == "in_preparation"
    assert _stages(viewer)[cases["ready"].id] == "ready"


def test_treatment_stages_count_days_from_the_start(viewer, cases):
    found = {c.id: c for c in worklist_cases(user=viewer)}
    assert found[cases["treated"].id].stage_since == TODAY - datetime.timedelta(days=20)
    assert found[cases["followed_up"].id].stage_since == TODAY


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
    url = reverse("analytics:worklist")
    # The ten new cases are staged first, in a fixed number of queries: the stored state and
    # the marks; in a savepoint, the lock, the marks again, the readiness policy, the stages
    # computed and stored (one statement) and the marks taken away.
    with django_assert_max_num_queries(23):
        assert client.get(url).status_code == 200
    # Nothing changed since. Session, user, profile, hospital, roles; the stored state and the
    # marks, checked for the clinicians, the list and the counts; the clinicians, the counts,
    # the stored candidates and the cases due for re-discussion, those waiting for a meeting,
    # and the board (one query each).
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200
    # A stage: its page instead of the board (its count is the counts').
    with django_assert_max_num_queries(17):
        assert client.get(url, {"stage": "referred"}).status_code == 200


# The API.


def test_api_lists_cases_with_stage_and_counts(client_for, viewer, cases):
    body = client_for(viewer, token=True).get(reverse("api:worklist")).json()
    assert body["count"] == 14
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
    # The new cases staged first, in a fixed number of queries (as on the page).
    with django_assert_max_num_queries(15):
        assert client.get(reverse("api:worklist"), {"page_size": 100}).status_code == 200
    # Token, user, roles, hospital; the stored state, the marks, counts, the page's count and
    # rows.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("api:worklist"), {"page_size": 100}).status_code == 200


# Cases due for re-discussion and cases waiting for a meeting.


@pytest.fixture
def flagged(hospital, coordinator, cases):
    """A case due for re-discussion yesterday, one due in five days (listed this week, not
    flagged yet), one due next month (neither), and one postponed at a signed-off meeting."""
    from apps.meetings.models import AgendaItem, Decision

    past = meeting(hospital, "2026-02-10")
    made = {}
    for name, days in (("due", -1), ("due_soon", 5), ("due_later", 40)):
        made[name] = case(hospital, "2026-01-20")
        decision = decide(item(past, made[name]), coordinator)
        Decision.objects.filter(pk=decision.pk).update(
            signed_off_at=timezone.now(),
            rediscuss_on=TODAY + datetime.timedelta(days=days),
            rediscuss_reason="Restage after 4 cycles.",
        )
    made["waiting"] = case(hospital, "2026-01-25")
    postponed = item(past, made["waiting"])
    AgendaItem.objects.filter(pk=postponed.pk).update(
        postponement_reason="imaging_not_ready",
        postponed_at=timezone.now(),
        postponed_by=coordinator,
    )
    return made


def test_flags_mark_cases_due_and_waiting(viewer, cases, flagged):
    found = {c.id: c for c in worklist_cases(user=viewer)}
    assert [found[flagged[n].id].rediscussion_due for n in ("due", "due_soon", "due_later")] == [
        True,
        False,
        False,
    ]
    assert found[flagged["waiting"].id].waiting_for_meeting
    assert not found[flagged["due"].id].waiting_for_meeting
    assert not found[cases["discussed"].id].rediscussion_due
    due = worklist_cases(user=viewer, flag="rediscussion_due")
    assert [c.id for c in due] == [flagged["due"].id]
    waiting = worklist_cases(user=viewer, flag="waiting_for_meeting")
    assert [c.id for c in waiting] == [flagged["waiting"].id]
    # Put on a later agenda, the case is no longer due.
    item(meeting(hospital_of(flagged["due"]), "2026-12-20", closed=False), flagged["due"])
    assert not list(worklist_cases(user=viewer, flag="rediscussion_due"))


def hospital_of(the_case):
    return the_case.patient.hospital


def test_board_page_lists_the_weeks_rediscussions_and_waiting_cases(client, viewer, flagged):
    client.force_login(viewer)
    response = client.get(reverse("analytics:worklist"))
    page = response.content.decode()
    section = page[page.index('id="due-for-rediscussion"') : page.index('id="waiting-for-meeting"')]
    for name in ("due", "due_soon"):
        assert flagged[name].patient.mrn in section
    assert flagged["due_later"].patient.mrn not in section
    assert "overdue since" in section
    assert reverse("meetings:case-add-to-meeting", args=[flagged["due"].id]) in section
    waiting = page[page.index('id="waiting-for-meeting"') :]
    assert flagged["waiting"].patient.mrn in waiting[: waiting.index("</section>")]
    assert "Imaging not ready" in waiting
    filtered = client.get(reverse("analytics:worklist"), {"flag": "waiting_for_meeting"})
    assert filtered.context["total"] == 1


def test_board_page_empty_sections_say_so(client, viewer, cases):
    client.force_login(viewer)
    page = client.get(reverse("analytics:worklist")).content.decode()
    assert "No case is due for re-discussion this week." in page
    assert "No postponed case is waiting for a meeting." in page


def test_api_flags_and_flag_filter(client_for, viewer, cases, flagged):
    client = client_for(viewer)
    body = client.get(reverse("api:worklist"), {"flag": "rediscussion_due"}).json()
    assert [row["id"] for row in body["results"]] == [str(flagged["due"].id)]
    assert body["results"][0]["rediscussion_due"] is True
    assert body["results"][0]["waiting_for_meeting"] is False
    body = client.get(reverse("api:worklist"), {"flag": "waiting_for_meeting"}).json()
    assert [row["waiting_for_meeting"] for row in body["results"]] == [True]
    response = client.get(reverse("api:worklist"), {"flag": "urgent"})
    assert response.status_code == 400
    assert "flag" in response.json()["errors"]
