"""The readiness checklist: freshness limits at their boundaries, per-hospital policies, the
case page, the API (with its 400s and hospital isolation) and its query counts."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from apps.casefacts.selectors import case_with_facts
from apps.readiness.models import ReadinessPolicy
from apps.readiness.selectors import (
    age_words,
    case_readiness,
    case_readiness_read,
    cases_readiness,
)
from apps.recommendations.selectors import recommendation_latest
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, ImagingStudyFactory, make_ready

pytestmark = pytest.mark.django_db

ON = datetime.date(2030, 1, 8)
READY_FACTS = "solitary-metachronous-low-risk"  # RAS, BRAF and MSI known; no work-up left


@pytest.fixture
def ready_case(hospital, coordinator):
    case = CaseFactory(patient__hospital=hospital, facts=READY_FACTS)
    recommendation_create(case=case, actor=coordinator)
    make_ready(case, on=ON)
    return case


def _state(case, code, on=ON):
    return next(item for item in case_readiness(case=case, on=on).items if item.code == code)


def test_a_complete_case_is_ready(ready_case):
    readiness = case_readiness(case=ready_case, on=ON)
    assert readiness.ready
    assert [item.code for item in readiness.items] == [
        "ct_chest_abdomen_pelvis",
        "liver_mri",
        "cea",
        "performance_status",
        "histology",
        "molecular",
        "workup",
    ]


@pytest.mark.parametrize(
    ("code", "weeks"),
    [("ct_chest_abdomen_pelvis", 6), ("liver_mri", 6), ("cea", 4), ("performance_status", 4)],
)
def test_dated_items_are_current_up_to_their_limit_and_stale_a_day_later(ready_case, code, weeks):
    limit = ON + datetime.timedelta(weeks=weeks)
    assert _state(ready_case, code, on=limit).state == "current"
    late = _state(ready_case, code, on=limit + datetime.timedelta(days=1))
    assert late.state == "stale"
    assert late.age_days == weeks * 7 + 1
    assert late.detail.endswith(f"{weeks} weeks and 1 day old (limit {weeks} weeks)")
    assert not case_readiness(case=ready_case, on=limit + datetime.timedelta(days=1)).ready


def test_the_latest_study_of_a_modality_counts(ready_case):
    ImagingStudyFactory(
        case=ready_case, modality="mri", performed_on=ON - datetime.timedelta(days=90)
    )
    assert _state(ready_case, "liver_mri").state == "current"
    # A PET-CT is not a CT chest-abdomen-pelvis.
    other = CaseFactory(patient__hospital=ready_case.patient.hospital, facts=READY_FACTS)
    ImagingStudyFactory(case=other, modality="pet_ct", performed_on=ON)
    assert _state(other, "ct_chest_abdomen_pelvis").state == "missing"


def test_missing_items_say_what_is_missing(hospital):
    case = CaseFactory(patient__hospital=hospital, facts=READY_FACTS)
    readiness = case_readiness(case=case, on=ON)
    assert not readiness.ready
    details = {item.code: (item.state, item.detail) for item in readiness.items}
    assert details["liver_mri"] == ("missing", "no study recorded")
    assert details["cea"] == ("missing", "recorded without the date it was measured")
    assert details["performance_status"] == ("missing", "recorded without its date")
    assert details["histology"] == ("missing", "not confirmed")
    assert details["workup"] == ("missing", "no recommendation made yet")


def test_a_case_without_facts_is_missing_everything(hospital):
    case = CaseFactory(patient__hospital=hospital)
    readiness = case_readiness(case=case, on=ON)
    assert {item.state for item in readiness.items} == {"missing"}
    molecular = next(item for item in readiness.items if item.code == "molecular")
    assert molecular.detail == "RAS, BRAF V600E, MSI not known"


def test_changed_facts_make_the_workup_item_stale(ready_case, coordinator):
    ready_case.facts_updated_at = ready_case.facts_updated_at + datetime.timedelta(minutes=5)
    ready_case.save()
    assert _state(ready_case, "workup").state == "stale"


def test_a_hospitals_policy_changes_the_limits_and_the_items(ready_case, other_hospital):
    hospital = ready_case.patient.hospital
    later = ON + datetime.timedelta(weeks=5)
    assert _state(ready_case, "cea", on=later).state == "stale"
    ReadinessPolicy.objects.update_or_create(
        hospital=hospital, defaults={"cea_weeks": 8, "liver_mri_required": False}
    )
    readiness = case_readiness(case=ready_case, on=later)
    assert _state(ready_case, "cea", on=later).state == "current"
    assert "liver_mri" not in [item.code for item in readiness.items]
    # Another hospital's policy does not reach this one's cases.
    ReadinessPolicy.objects.update_or_create(hospital=other_hospital, defaults={"cea_weeks": 1})
    assert _state(ready_case, "cea", on=later).state == "current"


def test_existing_hospitals_get_the_default_policy_once(hospital, other_hospital):
    migration = importlib.import_module("apps.readiness.migrations.0002_default_policies")
    ReadinessPolicy.objects.create(hospital=other_hospital, cea_weeks=2)
    migration.create_policies(django_apps, None)
    migration.create_policies(django_apps, None)
    policy = ReadinessPolicy.objects.get(hospital=hospital)
    assert (policy.ct_chest_abdomen_pelvis_weeks, policy.liver_mri_weeks) == (6, 6)
    assert (policy.cea_weeks, policy.performance_status_weeks) == (4, 4)
    assert ReadinessPolicy.objects.get(hospital=other_hospital).cea_weeks == 2


def test_age_words():
    assert age_words(1) == "1 day old"
    assert age_words(13) == "13 days old"
    assert age_words(14) == "2 weeks old"
    assert age_words(43) == "6 weeks and 1 day old"
    assert age_words(400) == "1 year and 1 month old"


def test_cases_readiness_runs_four_queries_for_any_number(
    hospital, coordinator, django_assert_num_queries
):
    cases = []
    for _ in range(5):
        case = CaseFactory(patient__hospital=hospital, facts=READY_FACTS)
        recommendation_create(case=case, actor=coordinator)
        make_ready(case, on=ON)
        cases.append(case)
    with django_assert_num_queries(4):
        checked = cases_readiness(cases=cases, on=ON)
    assert all(readiness.ready for readiness in checked.values())


def _read_as_the_case_page(case, on, django_assert_num_queries):
    case = case_with_facts(case=case)
    studies = list(case.imaging_studies.all())
    snapshot = recommendation_latest(case=case)
    with django_assert_num_queries(1):  # the policy
        return case_readiness_read(case=case, on=on, studies=studies, snapshot=snapshot)


@pytest.mark.parametrize("days", [0, 29, 60, 400])
def test_the_checklist_from_what_the_case_page_read_is_the_same(
    ready_case, hospital, django_assert_num_queries, days
):
    """The case page reads the checklist from its own studies and snapshot: the same items."""
    on = ON + datetime.timedelta(days=days)
    ImagingStudyFactory(case=ready_case, modality="mri", performed_on=ON - datetime.timedelta(90))
    ImagingStudyFactory(case=ready_case, modality="pet_ct", performed_on=ON)
    bare = CaseFactory(patient__hospital=hospital)
    stale = CaseFactory(patient__hospital=hospital, facts=READY_FACTS)
    recommendation_create(case=stale, actor=None)
    stale.facts_updated_at = stale.facts_updated_at + datetime.timedelta(minutes=5)
    stale.save()
    ReadinessPolicy.objects.update_or_create(hospital=hospital, defaults={"cea_weeks": 8})
    for case in (ready_case, bare, stale):
        read = _read_as_the_case_page(case, on, django_assert_num_queries)
        assert read == case_readiness(case=case, on=on)


# --- the API ---------------------------------------------------------------------------------


def test_api_readiness_of_a_case(coordinator_client, ready_case):
    url = reverse("api:case-readiness", args=[ready_case.id])
    body = coordinator_client.get(url, {"on": "2030-01-08"}).json()
    assert body["meeting"] is None
    assert body["readiness"]["ready"] is True
    assert body["readiness"]["on"] == "2030-01-08"
    late = coordinator_client.get(url, {"on": "2030-04-01"}).json()["readiness"]
    assert late["ready"] is False
    mri = next(item for item in late["items"] if item["code"] == "liver_mri")
    assert mri["state"] == "stale" and mri["limit_weeks"] == 6 and mri["age_days"] == 83
    assert "Liver MRI: 8 Jan 2030, 11 weeks and 6 days old (limit 6 weeks)" in late["outstanding"]


def test_api_readiness_uses_the_meeting_date(coordinator_client, ready_case, coordinator):
    from apps.meetings.services import agenda_item_add
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(
        hospital=ready_case.patient.hospital,
        scheduled_for=datetime.datetime(2030, 6, 4, 8, 0, tzinfo=datetime.UTC),
    )
    agenda_item_add(meeting=meeting, case=ready_case, actor=coordinator)
    body = coordinator_client.get(reverse("api:case-readiness", args=[ready_case.id])).json()
    assert body["meeting"] == str(meeting.pk)
    assert body["readiness"]["on"] == "2030-06-04"
    assert body["readiness"]["ready"] is False


@pytest.mark.parametrize("value", ["yesterday", "2030-02-30", "8/1/2030"])
def test_api_readiness_refuses_a_bad_date_with_400(coordinator_client, ready_case, value):
    response = coordinator_client.get(
        reverse("api:case-readiness", args=[ready_case.id]), {"on": value}
    )
    assert response.status_code == 400
    assert "on" in response.json()["errors"]


def test_api_readiness_of_another_hospitals_case_is_404(
    client_for, make_user, other_hospital, ready_case
):
    outsider = client_for(make_user("coordinator", hospital=other_hospital))
    response = outsider.get(reverse("api:case-readiness", args=[ready_case.id]))
    assert response.status_code == 404


# --- the case page ---------------------------------------------------------------------------


def test_case_page_shows_the_checklist(client, viewer, hospital):
    case = CaseFactory(patient__hospital=hospital, facts=READY_FACTS)
    client.force_login(viewer)
    page = client.get(reverse("workspace:case-detail", args=[case.id])).content.decode()
    assert 'id="readiness"' in page
    assert "Not ready" in page
    assert "On no agenda: checked against today" in page
    assert "Histology confirmed</strong>: not confirmed" in page
