"""Reads of imaging findings, scoped to the user's hospital, and the rule that says which
study's lesions are the case's facts.

A case may hold several imaging studies (CT, CT chest-abdomen-pelvis, liver MRI, PET-CT, ...),
each with its own lesions: a lesion belongs to the study that measured it. The pathway reads the
lesions of **the most recent study of the liver**: among the studies whose modality is in
`LIVER_MODALITIES` (MRI, CT, CT chest-abdomen-pelvis, PET-CT, contrast-enhanced ultrasound) and
that hold at least one lesion, the one with the latest `performed_on`; on the same day, the one
recorded last (`created_at`). When no such study holds a lesion (cases recorded before studies
carried their own lesions, or lesions entered without a study), every lesion of the case is
read, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from apps.core.roles import user_hospital

from .choices import LIVER_MODALITIES
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


def _recency(study: ImagingStudy) -> tuple[Any, Any]:
    return (study.performed_on, study.created_at)


def facts_study_of(lesions: Iterable[LiverLesion]) -> ImagingStudy | None:
    """The study the facts' lesions come from (see the module docstring), chosen among the
    studies of `lesions` (each with its `study` loaded), or None when none qualifies."""
    studies = {
        lesion.study_id: lesion.study
        for lesion in lesions
        if lesion.study is not None and lesion.study.modality in LIVER_MODALITIES
    }
    return max(studies.values(), key=_recency, default=None)


def facts_lesions(lesions: Iterable[LiverLesion]) -> list[LiverLesion]:
    """The lesions the pathway reads, in their entry order, out of all the case's lesions
    (each with its `study` loaded: no query here)."""
    every = sorted(lesions, key=lambda lesion: lesion.position)
    study = facts_study_of(every)
    if study is None:
        return every
    return [lesion for lesion in every if lesion.study_id == study.pk]


def case_lesions(*, case_id: Any) -> list[LiverLesion]:
    """Every lesion of a case with its study, in entry order (one query)."""
    return list(
        LiverLesion.objects.filter(case_id=case_id).select_related("study").order_by("position")
    )


def case_facts_study(*, case_id: Any) -> ImagingStudy | None:
    return facts_study_of(case_lesions(case_id=case_id))
