"""Reads of imaging findings, scoped to the user's hospital."""

from typing import Any

from django.db.models import QuerySet

from apps.core.roles import user_hospital

from .models import ImagingStudy, LiverLesion


def study_list(*, user: Any) -> QuerySet[ImagingStudy]:
    hospital = user_hospital(user)
    if hospital is None:
        return ImagingStudy.objects.none()
    return ImagingStudy.objects.filter(case__patient__hospital=hospital)


def lesion_list(*, user: Any) -> QuerySet[LiverLesion]:
    hospital = user_hospital(user)
    if hospital is None:
        return LiverLesion.objects.none()
    return LiverLesion.objects.filter(case__patient__hospital=hospital)
