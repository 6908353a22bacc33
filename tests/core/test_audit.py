"""The audit trail: every change to clinical data says who, when, and what (before and after),
and can be read per case through the API."""

from copy import deepcopy

import pytest
from django.urls import reverse

from apps.imaging.models import LiverLesion
from apps.patients.models import MdtCase, Patient
from tests.conftest import example, referral_payload

pytestmark = pytest.mark.django_db

CASE = example("cirrhosis-short-remnant-ablation-alternative")


@pytest.fixture
def referred(coordinator_client):
    response = coordinator_client.post(
        reverse("api:case-list"), referral_payload(CASE, mrn="AUD-1"), format="json"
    )
    assert response.status_code == 201
    return response.data["id"]


def _history(client, case_id):
    response = client.get(reverse("api:case-history", args=[case_id]), {"page_size": 100})
    assert response.status_code == 200
    return response.json()["results"]


def test_audit_referral_records_creations_by_the_coordinator(
    coordinator_client, coordinator, referred
):
    entries = _history(coordinator_client, referred)

    created = {entry["record"] for entry in entries if entry["action"] == "created"}
    assert {
        "patient",
        "case",
        "performance_status",
        "primary_tumour",
        "presentation",
        "biomarkers",
        "treatment_history",
        "workup_status",
        "liver_assessment",
        "liver_lesion",
    } <= created
    assert {entry["user"] for entry in entries} == {coordinator.username}
    first_lesion = next(
        e
        for e in entries
        if e["record"] == "liver_lesion"
        and {"field": "position", "before": None, "after": 0} in e["changes"]
    )
    assert {"field": "size_mm", "before": None, "after": 18} in first_lesion["changes"]
    assert {"field": "segment", "before": None, "after": 7} in first_lesion["changes"]


def test_audit_fact_change_shows_before_and_after(
    client_for, coordinator_client, make_user, referred
):
    other_coordinator = make_user("coordinator")
    changed = deepcopy(CASE)
    changed["liver"]["lesions"][1]["size_mm"] = 31
    response = client_for(other_coordinator).put(
        reverse("api:case-facts", args=[referred]), changed, format="json"
    )
    assert response.status_code == 200

    newest = _history(coordinator_client, referred)
    lesion_change = next(
        e for e in newest if e["record"] == "liver_lesion" and e["action"] == "changed"
    )
    assert lesion_change["user"] == other_coordinator.username
    assert lesion_change["changes"] == [{"field": "size_mm", "before": 25, "after": 31}]
    assert newest[0]["at"] >= lesion_change["at"]  # newest first


def test_audit_lesion_delete_is_recorded_with_what_was_lost(
    coordinator_client, coordinator, referred
):
    lesion = LiverLesion.objects.filter(case_id=referred).order_by("position").last()
    assert (
        coordinator_client.delete(reverse("api:lesion-detail", args=[lesion.id])).status_code == 204
    )

    deleted = [e for e in _history(coordinator_client, referred) if e["action"] == "deleted"]
    assert len(deleted) == 1
    assert deleted[0]["record"] == "liver_lesion"
    assert {"field": "size_mm", "before": 25, "after": None} in deleted[0]["changes"]
    assert deleted[0]["user"] == coordinator.username


def test_audit_patient_identity_change(coordinator_client, referred):
    patient_id = MdtCase.objects.get(pk=referred).patient_id
    coordinator_client.patch(
        reverse("api:patient-detail", args=[patient_id]),
        {"family_name": "Corrected"},
        format="json",
    )

    change = next(
        e
        for e in _history(coordinator_client, referred)
        if e["record"] == "patient" and e["action"] == "changed"
    )
    assert change["changes"] == [
        {"field": "family_name", "before": "Referral", "after": "Corrected"}
    ]


def test_audit_every_history_row_has_an_author(coordinator_client, referred):
    lesion = LiverLesion.objects.filter(case_id=referred).first()
    coordinator_client.patch(
        reverse("api:lesion-detail", args=[lesion.id]), {"peribiliary": True}, format="json"
    )
    coordinator_client.patch(
        reverse("api:case-detail", args=[referred]), {"question": "Now?"}, format="json"
    )
    from django.apps import apps

    clinical_apps = {"patients", "imaging", "meetings"}
    history_models = [
        m
        for m in apps.get_models()
        if m.__name__.startswith("Historical") and m._meta.app_label in clinical_apps
    ]
    rows = [row for model in history_models for row in model.objects.all()]
    assert rows
    assert all(row.history_user_id is not None for row in rows)


def test_audit_history_is_paginated(coordinator_client, referred):
    response = coordinator_client.get(
        reverse("api:case-history", args=[referred]), {"page_size": 2}
    )
    body = response.json()
    assert body["count"] > 2
    assert len(body["results"]) == 2
    assert body["next"]


def test_audit_unchanged_save_adds_no_entry(coordinator_client, referred):
    patient = Patient.objects.get(cases__id=referred)
    before = len(_history(coordinator_client, referred))
    coordinator_client.patch(
        reverse("api:patient-detail", args=[patient.id]),
        {"family_name": patient.family_name},
        format="json",
    )
    assert len(_history(coordinator_client, referred)) == before
