"""Liver lesions and imaging studies through the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.imaging.models import LiverLesion
from apps.patients.models import MdtCase
from tests.conftest import example
from tests.factories import CaseFactory, ImagingStudyFactory

pytestmark = pytest.mark.django_db

TWO_LESIONS = example("synchronous-rectal-resectable")


@pytest.fixture
def case(hospital):
    return CaseFactory(patient__hospital=hospital, facts=TWO_LESIONS)


def test_lesion_create_appends_and_changes_the_facts(coordinator_client, case):
    before = MdtCase.objects.get(pk=case.pk).facts_updated_at
    response = coordinator_client.post(
        reverse("api:lesion-list"),
        {"case": str(case.id), "segment": 3, "size_mm": 11.5, "subcapsular_or_dome": True},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["position"] == 2

    lesions = coordinator_client.get(reverse("api:case-facts", args=[case.id])).json()["liver"][
        "lesions"
    ]
    assert [(lesion["segment"], lesion["size_mm"]) for lesion in lesions] == [
        (7, 25),
        (8, 40),
        (3, 11.5),
    ]
    assert lesions[2]["subcapsular_or_dome"] is True
    assert MdtCase.objects.get(pk=case.pk).facts_updated_at > before


def test_lesion_patch_changes_only_what_is_sent(coordinator_client, case):
    lesion = case.liver_lesions.get(position=1)
    response = coordinator_client.patch(
        reverse("api:lesion-detail", args=[lesion.id]), {"size_mm": 42}, format="json"
    )
    assert response.status_code == 200
    lesion.refresh_from_db()
    assert (lesion.segment, lesion.size_mm) == (8, 42)


def test_last_lesion_cannot_be_deleted(coordinator_client, case):
    first, second = case.liver_lesions.order_by("position")
    assert (
        coordinator_client.delete(reverse("api:lesion-detail", args=[first.id])).status_code == 204
    )
    response = coordinator_client.delete(reverse("api:lesion-detail", args=[second.id]))
    assert response.status_code == 409
    assert response.json()["message"]
    assert LiverLesion.objects.filter(case=case).count() == 1


def test_lesion_cap_of_fifty(coordinator_client, case):
    for position in range(2, 49):
        LiverLesion.objects.create(case=case, position=position, segment=2, size_mm=5)
    body = {"case": str(case.id), "segment": 2, "size_mm": 5}

    fiftieth = coordinator_client.post(reverse("api:lesion-list"), body, format="json")
    assert fiftieth.status_code == 201
    response = coordinator_client.post(reverse("api:lesion-list"), body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["case"]
    assert LiverLesion.objects.filter(case=case).count() == 50
    facts = coordinator_client.get(reverse("api:case-facts", args=[case.id])).json()
    assert len(facts["liver"]["lesions"]) == 50


def test_lesion_delete_then_create_keeps_the_entry_order(coordinator_client, case):
    first = case.liver_lesions.get(position=0)
    assert (
        coordinator_client.delete(reverse("api:lesion-detail", args=[first.id])).status_code == 204
    )
    created = coordinator_client.post(
        reverse("api:lesion-list"),
        {"case": str(case.id), "segment": 1, "size_mm": 6},
        format="json",
    )
    assert created.status_code == 201
    assert created.data["position"] == 2

    listed = coordinator_client.get(reverse("api:lesion-list"), {"case": str(case.id)}).json()
    assert [(lesion["segment"], lesion["position"]) for lesion in listed["results"]] == [
        (8, 1),
        (1, 2),
    ]
    facts = coordinator_client.get(reverse("api:case-facts", args=[case.id])).json()
    assert [lesion["segment"] for lesion in facts["liver"]["lesions"]] == [8, 1]


def test_lesion_first_position_is_zero(coordinator_client, case):
    assert sorted(case.liver_lesions.values_list("position", flat=True)) == [0, 1]


def test_lesion_on_closed_case_is_refused(coordinator_client, case):
    MdtCase.objects.filter(pk=case.pk).update(status="closed")
    lesion = case.liver_lesions.first()
    url = reverse("api:lesion-detail", args=[lesion.id])

    assert coordinator_client.patch(url, {"size_mm": 12}, format="json").status_code == 409
    assert coordinator_client.delete(url).status_code == 409
    created = coordinator_client.post(
        reverse("api:lesion-list"), {"case": str(case.id), "segment": 2, "size_mm": 5}
    )
    assert created.status_code == 409
    assert LiverLesion.objects.filter(case=case).count() == 2


def test_lesion_on_case_without_facts_is_refused(coordinator_client, hospital):
    bare = CaseFactory(patient__hospital=hospital)
    response = coordinator_client.post(
        reverse("api:lesion-list"),
        {"case": str(bare.id), "segment": 2, "size_mm": 5},
        format="json",
    )
    assert response.status_code == 400
    assert "case" in response.json()["errors"]


def test_lesion_links_to_a_study_of_the_same_case_only(coordinator_client, case, hospital):
    own = ImagingStudyFactory(
        case=case, modality="mri", hepatospecific_contrast=True, diffusion_weighted=True
    )
    foreign = ImagingStudyFactory(case=CaseFactory(patient__hospital=hospital))
    lesion = case.liver_lesions.first()
    url = reverse("api:lesion-detail", args=[lesion.id])

    assert coordinator_client.patch(url, {"study": str(own.id)}, format="json").status_code == 200
    response = coordinator_client.patch(url, {"study": str(foreign.id)}, format="json")
    assert response.status_code == 400
    assert "study" in response.json()["errors"]

    assert (
        coordinator_client.get(reverse("api:lesion-list"), {"study": str(own.id)}).json()["count"]
        == 1
    )


def test_lesion_create_linked_to_a_study(coordinator_client, case, other_hospital):
    own = ImagingStudyFactory(case=case, modality="mri")
    theirs = ImagingStudyFactory(case=CaseFactory(patient__hospital=other_hospital))
    body = {"case": str(case.id), "segment": 6, "size_mm": 9}

    response = coordinator_client.post(
        reverse("api:lesion-list"), {**body, "study": str(own.id)}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["study"] == own.id

    refused = coordinator_client.post(
        reverse("api:lesion-list"), {**body, "study": str(theirs.id)}, format="json"
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["study"]


def test_lesion_unlink_from_study(coordinator_client, case):
    study = ImagingStudyFactory(case=case)
    lesion = case.liver_lesions.first()
    lesion.study = study
    lesion.save()

    response = coordinator_client.patch(
        reverse("api:lesion-detail", args=[lesion.id]), {"study": None}, format="json"
    )

    assert response.status_code == 200
    lesion.refresh_from_db()
    assert lesion.study_id is None


def test_study_delete_keeps_its_lesions(coordinator_client, case):
    study = ImagingStudyFactory(case=case)
    LiverLesion.objects.filter(case=case).update(study=study)
    assert (
        coordinator_client.delete(reverse("api:imaging-study-detail", args=[study.id])).status_code
        == 204
    )
    assert LiverLesion.objects.filter(case=case, study__isnull=True).count() == 2


def test_study_create_and_filter_by_case(coordinator_client, case):
    response = coordinator_client.post(
        reverse("api:imaging-study-list"),
        {
            "case": str(case.id),
            "modality": "mri",
            "performed_on": "2026-10-02",
            "hepatospecific_contrast": True,
            "diffusion_weighted": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    listed = coordinator_client.get(
        reverse("api:imaging-study-list"), {"case": str(case.id), "modality": "mri"}
    ).json()
    assert [study["id"] for study in listed["results"]] == [response.data["id"]]


def test_study_patch_to_ct_with_mri_techniques_is_400(coordinator_client, case):
    study = ImagingStudyFactory(case=case, modality="mri", diffusion_weighted=True)
    response = coordinator_client.patch(
        reverse("api:imaging-study-detail", args=[study.id]), {"modality": "ct"}, format="json"
    )
    assert response.status_code == 400
    study.refresh_from_db()
    assert study.modality == "mri"


def test_study_list_is_newest_first_and_paginated(coordinator_client, case):
    for day in range(1, 4):
        ImagingStudyFactory(case=case, performed_on=datetime.date(2026, 9, day))
    page = coordinator_client.get(reverse("api:imaging-study-list"), {"page_size": 2}).json()
    assert page["count"] == 3
    assert [s["performed_on"] for s in page["results"]] == ["2026-09-03", "2026-09-02"]
    assert page["next"]


def test_study_date_in_future_is_refused(coordinator_client, case):
    response = coordinator_client.post(
        reverse("api:imaging-study-list"),
        {"case": str(case.id), "modality": "ct", "performed_on": "2999-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["performed_on"]


@pytest.mark.parametrize("field", ["hepatospecific_contrast", "diffusion_weighted"])
def test_study_mri_techniques_on_ct_name_the_field(coordinator_client, hospital, field):
    case = CaseFactory(patient__hospital=hospital)
    response = coordinator_client.post(
        reverse("api:imaging-study-list"),
        {"case": str(case.id), "modality": "ct", "performed_on": "2026-10-01", field: True},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_study_before_birth_is_refused(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital, patient__birth_date=datetime.date(1960, 1, 1))
    response = coordinator_client.post(
        reverse("api:imaging-study-list"),
        {"case": str(case.id), "modality": "ct", "performed_on": "1959-12-31"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["performed_on"]


def test_study_on_closed_case_is_refused_until_reopened(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital, status="closed")
    body = {"case": str(case.id), "modality": "ct", "performed_on": "2026-10-01"}
    url = reverse("api:imaging-study-list")
    assert coordinator_client.post(url, body, format="json").status_code == 409
    MdtCase.objects.filter(pk=case.pk).update(status="awaiting_discussion")
    assert coordinator_client.post(url, body, format="json").status_code == 201


def test_lesion_sizes_read_as_the_facts_write_them(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital, facts=TWO_LESIONS)
    lesions = coordinator_client.get(reverse("api:lesion-list"), {"case": str(case.id)}).json()
    assert [lesion["size_mm"] for lesion in lesions["results"]] == [25, 40]


def test_a_study_cannot_be_dated_in_the_future(coordinator_client, case):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = coordinator_client.post(
        reverse("api:imaging-study-list"),
        {"case": str(case.id), "modality": "ct", "performed_on": tomorrow.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"performed_on": ["Cannot be in the future."]}
