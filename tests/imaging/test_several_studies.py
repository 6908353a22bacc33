"""Several imaging studies per case: lesions belong to the study that measured them, and the
facts read those of the most recent study of the liver."""

import copy
import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from apps.casefacts.selectors import case_facts
from apps.imaging.models import ImagingStudy, LiverLesion
from apps.imaging.selectors import case_facts_study
from tests.conftest import example
from tests.factories import CaseFactory, ImagingStudyFactory
from tests.workspace.test_case_pages import intake_data

pytestmark = pytest.mark.django_db

TWO_LESIONS = example("synchronous-rectal-resectable")


@pytest.fixture
def case(hospital):
    return CaseFactory(patient__hospital=hospital, facts=TWO_LESIONS)


def _sizes(case):
    return [lesion["size_mm"] for lesion in case_facts(case=case)["liver"]["lesions"]]


def _study_with_lesions(case, modality, performed_on, sizes, start):
    study = ImagingStudyFactory(case=case, modality=modality, performed_on=performed_on)
    for offset, size in enumerate(sizes):
        LiverLesion.objects.create(
            case=case, study=study, position=start + offset, segment=4, size_mm=size
        )
    return study


def test_facts_read_the_most_recent_study_of_the_liver(case):
    older = ImagingStudyFactory(case=case, modality="ct", performed_on=datetime.date(2026, 1, 5))
    case.liver_lesions.update(study=older)
    _study_with_lesions(case, "mri", datetime.date(2026, 2, 1), [12, 30, 9], start=10)
    assert _sizes(case) == [12, 30, 9]
    # A newer ultrasound (not a study the liver's facts come from) changes nothing.
    _study_with_lesions(case, "ultrasound", datetime.date(2026, 3, 1), [50], start=20)
    assert _sizes(case) == [12, 30, 9]
    # A newer CT chest-abdomen-pelvis with lesions is read.
    _study_with_lesions(case, "ct_chest_abdomen_pelvis", datetime.date(2026, 3, 2), [14], 30)
    assert _sizes(case) == [14]


def test_same_day_studies_the_one_recorded_last_is_read(case):
    day = datetime.date(2026, 2, 1)
    _study_with_lesions(case, "mri", day, [21], start=10)
    last = _study_with_lesions(case, "pet_ct", day, [22], start=11)
    assert _sizes(case) == [22]
    assert case_facts_study(case_id=case.pk) == last


def test_a_study_without_lesions_is_not_the_facts_source(case):
    first = ImagingStudyFactory(case=case, modality="mri", performed_on=datetime.date(2026, 1, 5))
    case.liver_lesions.update(study=first)
    ImagingStudyFactory(case=case, modality="ct", performed_on=datetime.date(2026, 2, 1))
    assert _sizes(case) == [25, 40]


def test_facts_round_trip_writes_only_the_read_study(coordinator_client, case):
    old = ImagingStudyFactory(case=case, modality="ct", performed_on=datetime.date(2026, 1, 5))
    case.liver_lesions.update(study=old)
    _study_with_lesions(case, "mri", datetime.date(2026, 2, 1), [12, 30], start=10)
    facts = case_facts(case=case)
    changed = copy.deepcopy(facts)
    changed["liver"]["lesions"].append({**changed["liver"]["lesions"][0], "size_mm": 7})
    url = reverse("api:case-facts", args=[case.id])
    response = coordinator_client.put(url, changed, format="json")
    assert response.status_code == 200, response.data
    assert coordinator_client.get(url).json() == changed
    # The CT's own reading is untouched.
    assert sorted(old.lesions.values_list("size_mm", flat=True)) == [25, 40]
    assert LiverLesion.objects.filter(case=case).count() == 5


def test_lesion_api_without_a_study_joins_the_read_study(coordinator_client, case):
    mri = _study_with_lesions(case, "mri", datetime.date(2026, 2, 1), [12], start=10)
    response = coordinator_client.post(
        reverse("api:lesion-list"),
        {"case": str(case.id), "segment": 3, "size_mm": 11.5},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["study"] == mri.pk
    assert _sizes(case) == [12, 11.5]


def test_study_api_accepts_ct_chest_abdomen_pelvis_and_refuses_unknown(coordinator_client, case):
    url = reverse("api:imaging-study-list")
    body = {
        "case": str(case.id),
        "modality": "ct_chest_abdomen_pelvis",
        "performed_on": "2026-01-02",
    }
    assert coordinator_client.post(url, body, format="json").status_code == 201
    response = coordinator_client.post(url, {**body, "modality": "xray"}, format="json")
    assert response.status_code == 400
    assert "modality" in response.json()["errors"]


def test_intake_edit_records_a_new_study_with_its_own_lesions(client, coordinator, case):
    client.force_login(coordinator)
    first = ImagingStudyFactory(case=case, modality="ct", performed_on=datetime.date(2026, 1, 5))
    case.liver_lesions.update(study=first)
    facts = copy.deepcopy(case_facts(case=case))
    facts["liver"]["lesions"] = [{**facts["liver"]["lesions"][0], "size_mm": 18}]
    data = intake_data(
        facts,
        **{
            "editing_case": str(case.id),
            "referral.referred_on": case.referred_on.isoformat(),
            "study.modality": "mri",
            "study.performed_on": "2026-02-10",
            "study.new": "on",
        },
    )
    response = client.post(reverse("workspace:case-edit", args=[case.id]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ImagingStudy.objects.filter(case=case).count() == 2
    assert _sizes(case) == [18]
    assert sorted(first.lesions.values_list("size_mm", flat=True)) == [25, 40]
    assert case_facts_study(case_id=case.pk).modality == "mri"


def test_intake_edit_refuses_a_new_study_older_than_the_read_one(client, coordinator, case):
    client.force_login(coordinator)
    first = ImagingStudyFactory(case=case, modality="ct", performed_on=datetime.date(2026, 1, 5))
    case.liver_lesions.update(study=first)
    data = intake_data(
        case_facts(case=case),
        **{
            "editing_case": str(case.id),
            "referral.referred_on": case.referred_on.isoformat(),
            "study.modality": "mri",
            "study.performed_on": "2025-12-01",
            "study.new": "on",
        },
    )
    response = client.post(reverse("workspace:case-edit", args=[case.id]), data)
    assert response.status_code == 400
    assert "Older than the study the facts are read from" in response.content.decode()
    assert ImagingStudy.objects.filter(case=case).count() == 1


def test_migration_keeps_an_existing_cases_facts_identical(case):
    """A case recorded before: lesions on a CT, one more added without a study, and an older
    MRI holding another. The facts read all of them; after the migration, still the same."""
    ct = ImagingStudyFactory(case=case, modality="ct", performed_on=datetime.date(2026, 2, 1))
    mri = ImagingStudyFactory(case=case, modality="mri", performed_on=datetime.date(2026, 1, 1))
    first, second = case.liver_lesions.order_by("position")
    LiverLesion.objects.filter(pk=first.pk).update(study=ct)
    LiverLesion.objects.filter(pk=second.pk).update(study=mri)
    LiverLesion.objects.create(case=case, position=5, segment=2, size_mm=9)
    before_rule = [25, 40, 9]  # every lesion, as the facts were read before

    migration = importlib.import_module("apps.imaging.migrations.0005_lesions_of_the_facts_study")
    migration.link_lesions(django_apps, None)

    assert _sizes(case) == before_rule
    assert set(case.liver_lesions.values_list("study", flat=True)) == {ct.pk}
    assert LiverLesion.history.filter(history_change_reason__startswith="Linked").count() == 2


def test_migration_leaves_a_case_without_liver_studies_alone(case):
    before = case_facts(case=case)
    migration = importlib.import_module("apps.imaging.migrations.0005_lesions_of_the_facts_study")
    migration.link_lesions(django_apps, None)
    assert case_facts(case=case) == before
    assert not case.liver_lesions.filter(study__isnull=False).exists()
