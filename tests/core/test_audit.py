"""The audit trail: every change to clinical data says who, when, and what (before and after),
and can be read per case through the API."""

import pytest
from django.apps import apps
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
    changed = example("cirrhosis-short-remnant-ablation-alternative")
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


def _clinical_history_rows():
    clinical_apps = {"patients", "imaging", "meetings"}
    history_models = [
        model
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and model._meta.app_label in clinical_apps
    ]
    assert len(history_models) >= 12
    return [row for model in history_models for row in model.objects.all()]


def test_audit_every_history_row_has_an_author(client_for, coordinator):
    """Every kind of write, through a real token, leaves no anonymous history row (cascaded
    deletes included)."""
    client = client_for(coordinator, token=True)
    created = client.post(
        reverse("api:case-list"), referral_payload(CASE, mrn="AUD-2"), format="json"
    )
    case_id = created.json()["id"]
    lesions = client.get(reverse("api:lesion-list"), {"case": case_id}).json()["results"]
    study = client.post(
        reverse("api:imaging-study-list"),
        {"case": case_id, "modality": "mri", "performed_on": "2026-10-01"},
        format="json",
    ).json()
    client.patch(
        reverse("api:lesion-detail", args=[lesions[0]["id"]]),
        {"peribiliary": True, "study": study["id"]},
        format="json",
    )
    client.post(
        reverse("api:lesion-list"), {"case": case_id, "segment": 3, "size_mm": 7}, format="json"
    )
    client.delete(reverse("api:lesion-detail", args=[lesions[1]["id"]]))
    client.patch(reverse("api:case-detail", args=[case_id]), {"question": "Now?"}, format="json")
    changed = example("cirrhosis-short-remnant-ablation-alternative")
    changed["liver"]["lesions"] = changed["liver"]["lesions"][:1]
    changed["extrahepatic"]["sites"] = [{"site": "lung", "resectable": True}]
    client.put(reverse("api:case-facts", args=[case_id]), changed, format="json")
    client.delete(reverse("api:imaging-study-detail", args=[study["id"]]))
    meeting = client.post(
        reverse("api:meeting-list"), {"scheduled_for": "2031-01-07T08:00:00Z"}, format="json"
    ).json()
    client.post(reverse("api:meeting-agenda", args=[meeting["id"]]), {"case": case_id})
    assert client.delete(reverse("api:meeting-detail", args=[meeting["id"]])).status_code == 204
    patient_id = MdtCase.objects.get(pk=case_id).patient_id
    assert client.delete(reverse("api:case-detail", args=[case_id])).status_code == 204
    assert client.delete(reverse("api:patient-detail", args=[patient_id])).status_code == 204

    rows = _clinical_history_rows()
    assert {row.history_type for row in rows} == {"+", "~", "-"}
    assert [row for row in rows if row.history_user_id is None] == []
    assert {row.history_user_id for row in rows} == {coordinator.id}


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


def test_audit_agenda_and_status_changes_appear_in_the_case_history(
    coordinator_client, coordinator, referred, hospital
):
    meeting = coordinator_client.post(
        reverse("api:meeting-list"), {"scheduled_for": "2031-01-07T08:00:00Z"}, format="json"
    ).json()
    agenda_url = reverse("api:meeting-agenda", args=[meeting["id"]])
    item = coordinator_client.post(agenda_url, {"case": referred}, format="json").json()
    coordinator_client.delete(reverse("api:meeting-agenda-item", args=[meeting["id"], item["id"]]))

    entries = _history(coordinator_client, referred)
    agenda = [(e["action"], e["record"]) for e in entries if e["record"] == "agenda_item"]
    assert agenda == [("deleted", "agenda_item"), ("created", "agenda_item")]  # newest first
    statuses = [
        change
        for e in entries
        if e["record"] == "case"
        for change in e["changes"]
        if change["field"] == "status" and e["action"] == "changed"
    ]
    assert statuses == [
        {"field": "status", "before": "scheduled", "after": "awaiting_discussion"},
        {"field": "status", "before": "awaiting_discussion", "after": "scheduled"},
    ]
    assert {e["user"] for e in entries} == {coordinator.username}


def test_audit_of_another_hospitals_case_is_404(client_for, make_user, other_hospital, referred):
    outsider = client_for(make_user("coordinator", hospital=other_hospital))
    assert outsider.get(reverse("api:case-history", args=[referred])).status_code == 404
