"""Patients through the API: registration, identity corrections, lists and filters."""

import datetime

import pytest
from django.urls import reverse

from apps.patients.models import Patient
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_patient_create_trims_and_belongs_to_the_users_hospital(coordinator_client, coordinator):
    response = coordinator_client.post(
        reverse("api:patient-list"),
        {
            "mrn": "  P-100 ",
            "given_name": " Ada ",
            "family_name": "Fictional",
            "birth_date": "1961-04-30",
            "sex": "female",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["mrn"] == "P-100"
    assert response.data["given_name"] == "Ada"
    patient = Patient.objects.get(pk=response.data["id"])
    assert patient.hospital == coordinator.staff_profile.hospital


def test_patient_list_filters_and_orders(coordinator_client, hospital):
    PatientFactory(hospital=hospital, mrn="F-1", family_name="Zeta")
    PatientFactory(hospital=hospital, mrn="F-2", family_name="Alpha")
    PatientFactory(hospital=hospital, mrn="F-3", family_name="Alphabet")
    url = reverse("api:patient-list")

    default = [p["family_name"] for p in coordinator_client.get(url).json()["results"]]
    assert default == ["Alpha", "Alphabet", "Zeta"]
    by_mrn = coordinator_client.get(url, {"mrn": "F-1"}).json()["results"]
    assert [p["family_name"] for p in by_mrn] == ["Zeta"]
    by_name = coordinator_client.get(url, {"family_name": "alpha"}).json()
    assert by_name["count"] == 2
    reverse_mrn = coordinator_client.get(url, {"ordering": "-mrn"}).json()["results"]
    assert [p["mrn"] for p in reverse_mrn] == ["F-3", "F-2", "F-1"]


def test_patient_patch_changes_only_what_is_sent(coordinator_client, hospital):
    patient = PatientFactory(hospital=hospital, given_name="Ada", family_name="Before")
    response = coordinator_client.patch(
        reverse("api:patient-detail", args=[patient.id]), {"family_name": "After"}, format="json"
    )
    assert response.status_code == 200
    patient.refresh_from_db()
    assert (patient.given_name, patient.family_name) == ("Ada", "After")


def test_patient_delete_needs_no_cases(coordinator_client, hospital):
    with_case = CaseFactory(patient__hospital=hospital).patient
    without = PatientFactory(hospital=hospital)

    refused = coordinator_client.delete(reverse("api:patient-detail", args=[with_case.id]))
    deleted = coordinator_client.delete(reverse("api:patient-detail", args=[without.id]))

    assert refused.status_code == 409
    assert refused.json()["message"]
    assert deleted.status_code == 204
    assert Patient.objects.filter(pk=with_case.pk).exists()
    assert not Patient.objects.filter(pk=without.pk).exists()


def test_case_filter_by_patient(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital)
    CaseFactory(patient__hospital=hospital)
    listed = coordinator_client.get(
        reverse("api:case-list"), {"patient": str(case.patient_id)}
    ).json()
    assert [c["id"] for c in listed["results"]] == [str(case.id)]


def test_patient_birth_date_change_moves_the_facts_age(coordinator_client, hospital):
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    facts_url = reverse("api:case-facts", args=[case.id])
    before = coordinator_client.get(facts_url).json()["patient"]["age"]
    born = case.patient.birth_date

    response = coordinator_client.patch(
        reverse("api:patient-detail", args=[case.patient_id]),
        {"birth_date": born.replace(year=born.year - 2).isoformat()},
        format="json",
    )

    assert response.status_code == 200
    assert coordinator_client.get(facts_url).json()["patient"]["age"] == before + 2


def test_patient_birth_date_after_a_referral_is_refused(coordinator_client, hospital):
    case = CaseFactory(
        patient__hospital=hospital,
        patient__birth_date=datetime.date(1960, 1, 1),
        referred_on=datetime.date(2020, 3, 1),
    )

    response = coordinator_client.patch(
        reverse("api:patient-detail", args=[case.patient_id]),
        {"birth_date": "2021-01-01"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["birth_date"]
