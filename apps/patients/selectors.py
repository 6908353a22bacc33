"""Reads of patients and cases, scoped to what the user may see: the records of their own
hospital. Anything outside answers 404 (it does not exist for this user)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.core.roles import user_hospital

from .models import MdtCase, Patient


def patient_list(*, user: Any) -> QuerySet[Patient]:
    hospital = user_hospital(user)
    if hospital is None:
        return Patient.objects.none()
    return Patient.objects.filter(hospital=hospital)


def case_list(*, user: Any) -> QuerySet[MdtCase]:
    hospital = user_hospital(user)
    if hospital is None:
        return MdtCase.objects.none()
    return MdtCase.objects.filter(patient__hospital=hospital).select_related(
        "patient", "created_by", "biomarkers", "performance_status", "primary_tumour"
    )
