"""Liver lesions and imaging studies through the API."""

import pytest
from django.urls import reverse

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
    for position in range(2, 50):
        LiverLesion.objects.create(case=case, position=position, segment=2, size_mm=5)
    response = coordinator_client.post(
        reverse("api:lesion-list"),
        {"case": str(case.id), "segment": 2, "size_mm": 5},
        format="json",
    )
    assert response.status_code == 400
    assert "case" in response.json()["errors"]


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


def test_study_date_in_future_is_refused(coordinator_client, case):
    response = coordinator_client.post(
        reverse("api:imaging-study-list"),
        {"case": str(case.id), "modality": "ct", "performed_on": "2999-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["performed_on"]
