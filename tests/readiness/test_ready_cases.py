"""The readiness checklist as database conditions (`ready_cases`, used by the worklist) agrees
with the checklist computed in Python (`cases_readiness`) on varied cases, both ways: each
case one thing short of ready (a result a day past its limit, missing, unknown, a newer
snapshot with work-up, changed facts), complete cases at the limit, and a hospital's own
policy."""

import datetime

import pytest

from apps.patients.models import Biomarkers, PerformanceStatus, PrimaryTumour
from apps.readiness.models import ReadinessPolicy
from apps.readiness.selectors import cases_readiness, readiness_policy, ready_cases
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, ImagingStudyFactory, make_ready

pytestmark = pytest.mark.django_db

ON = datetime.date(2030, 1, 8)
READY_FACTS = "solitary-metachronous-low-risk"


def _ready(hospital, coordinator, on=ON, facts=READY_FACTS):
    case = CaseFactory(patient__hospital=hospital, facts=facts)
    recommendation_create(case=case, actor=coordinator)
    make_ready(case, on=on)
    return case


@pytest.fixture
def varied(hospital, coordinator):
    day = datetime.timedelta(days=1)
    made = {
        "ready": _ready(hospital, coordinator),
        "ready_at_every_limit": _ready(hospital, coordinator, on=ON - datetime.timedelta(weeks=4)),
        "no_facts": CaseFactory(patient__hospital=hospital),
        "facts_only": CaseFactory(patient__hospital=hospital, facts=READY_FACTS),
    }
    made["workup_outstanding"] = _ready(hospital, coordinator)
    snapshot = RecommendationSnapshot.objects.get(case=made["workup_outstanding"])
    snapshot.result = {**snapshot.result, "workup": [{"code": "staging_ct"}]}
    snapshot.save()
    made["old_ct"] = _ready(hospital, coordinator)
    made["old_ct"].imaging_studies.filter(modality="ct_chest_abdomen_pelvis").update(
        performed_on=ON - datetime.timedelta(weeks=6) - day
    )
    made["old_mri_and_new_mri"] = _ready(hospital, coordinator)
    ImagingStudyFactory(
        case=made["old_mri_and_new_mri"], modality="mri", performed_on=ON - 90 * day
    )
    made["pet_not_ct"] = _ready(hospital, coordinator)
    made["pet_not_ct"].imaging_studies.filter(modality="ct_chest_abdomen_pelvis").update(
        modality="pet_ct"
    )
    made["future_study"] = _ready(hospital, coordinator)
    made["future_study"].imaging_studies.update(performed_on=ON + 3 * day)
    made["old_cea"] = _ready(hospital, coordinator)
    Biomarkers.objects.filter(case=made["old_cea"]).update(
        cea_measured_on=ON - datetime.timedelta(weeks=4) - day
    )
    made["cea_without_level"] = _ready(hospital, coordinator)
    Biomarkers.objects.filter(case=made["cea_without_level"]).update(cea_ng_ml=None)
    made["old_performance"] = _ready(hospital, coordinator)
    PerformanceStatus.objects.filter(case=made["old_performance"]).update(
        assessed_on=ON - datetime.timedelta(weeks=4) - day
    )
    made["histology_unconfirmed"] = _ready(hospital, coordinator)
    PrimaryTumour.objects.filter(case=made["histology_unconfirmed"]).update(
        histology_confirmed=False
    )
    made["msi_unknown"] = _ready(hospital, coordinator)
    Biomarkers.objects.filter(case=made["msi_unknown"]).update(msi="unknown")
    made["no_biomarkers"] = _ready(hospital, coordinator)
    Biomarkers.objects.filter(case=made["no_biomarkers"]).delete()
    made["facts_changed"] = _ready(hospital, coordinator)
    made["facts_changed"].facts_updated_at += datetime.timedelta(minutes=5)
    made["facts_changed"].save()
    made["older_pathway"] = _ready(hospital, coordinator)
    RecommendationSnapshot.objects.filter(case=made["older_pathway"]).update(
        pathway_version="0.0.1"
    )
    # The newest snapshot counts: an older one without work-up does not make it ready.
    made["newest_has_workup"] = _ready(hospital, coordinator)
    newest = RecommendationSnapshot.objects.get(case=made["newest_has_workup"])
    newest.pk = None
    newest.id = None
    newest.created_at = None
    newest.result = {**newest.result, "workup": [{"code": "staging_ct"}]}
    newest.save()
    made["no_snapshot"] = _ready(hospital, coordinator)
    RecommendationSnapshot.objects.filter(case=made["no_snapshot"]).delete()
    return made


def _both(hospital, cases, on=ON):
    python = {
        case_id for case_id, check in cases_readiness(cases=cases, on=on).items() if check.ready
    }
    policy = readiness_policy(hospital=hospital)
    sql = set(ready_cases(policy=policy, on=on).values_list("pk", flat=True))
    return python, sql


def test_sql_readiness_agrees_with_the_checklist(hospital, varied):
    python, sql = _both(hospital, list(varied.values()))
    assert python == sql
    names = {case.pk: name for name, case in varied.items()}
    assert sorted(names[pk] for pk in sql) == [
        "future_study",
        "old_mri_and_new_mri",
        "ready",
        "ready_at_every_limit",
    ]


@pytest.mark.parametrize("days", [-60, 1, 29, 43])
def test_sql_readiness_agrees_on_other_days(hospital, varied, days):
    python, sql = _both(hospital, list(varied.values()), on=ON + datetime.timedelta(days=days))
    assert python == sql


def test_sql_readiness_follows_the_hospitals_policy(hospital, other_hospital, varied):
    ReadinessPolicy.objects.update_or_create(
        hospital=hospital,
        defaults={
            "ct_chest_abdomen_pelvis_required": False,
            "cea_weeks": 8,
            "molecular_required": False,
            "workup_required": False,
        },
    )
    python, sql = _both(hospital, list(varied.values()))
    assert python == sql
    for name in ("pet_not_ct", "old_ct", "old_cea", "msi_unknown", "workup_outstanding"):
        assert varied[name].pk in sql
    # Another hospital's policy answers for its own cases only.
    other_policy = readiness_policy(hospital=other_hospital)
    assert not set(ready_cases(policy=other_policy, on=ON).values_list("pk", flat=True))
