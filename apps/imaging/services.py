"""Writes of imaging findings: imaging studies and liver lesions one at a time (the API's
resources). The liver part of a whole set of facts is written by `apps.casefacts`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.services import assign, delete_audited, save_audited
from apps.pathways.facts import LESIONS_MAX
from apps.patients.models import MdtCase
from apps.patients.services import case_facts_touch, case_require_open

from .choices import Modality
from .models import ImagingStudy, LiverLesion
from .selectors import case_lesions, facts_lesions, facts_study_of

LESION_FIELDS = (
    "segment",
    "size_mm",
    "near_major_vessel",
    "peribiliary",
    "subcapsular_or_dome",
    "disappeared",
)


def _facts_changed(case: MdtCase, actor: Any) -> None:
    case_facts_touch(case=case, actor=actor)


def _require_open(case: MdtCase) -> None:
    case_require_open(case=case)


def _require_facts(case: MdtCase) -> None:
    _require_open(case)
    if not case.has_facts:
        raise ApplicationError(
            "Record the case's clinical facts first.",
            errors={"case": ["This case has no clinical facts yet (PUT its facts first)."]},
        )


@transaction.atomic
def lesion_create(*, case: MdtCase, data: dict[str, Any], actor: Any) -> LiverLesion:
    _require_facts(case)
    MdtCase.objects.select_for_update().filter(pk=case.pk).first()  # serialise lesion edits
    lesions = LiverLesion.objects.filter(case=case)
    every = case_lesions(case_id=case.pk)
    # Without a study named, the lesion joins the reading the facts come from.
    if "study" not in data:
        data = {**data, "study": facts_study_of(every)}
    study = data["study"]
    _check_study_of_case(case, study)
    same_reading = [lesion for lesion in every if lesion.study_id == (study.pk if study else None)]
    if len(same_reading) >= LESIONS_MAX:
        raise ApplicationError(
            "Too many lesions.",
            errors={"case": [f"A study (or a case) holds at most {LESIONS_MAX} lesions."]},
        )
    next_position = (
        (lesions.aggregate(top=Max("position"))["top"] or 0) + 1 if lesions.exists() else 0
    )
    lesion = LiverLesion(case=case, position=next_position, **data)
    save_audited(lesion, actor=actor, clean=True)
    _facts_changed(case, actor)
    return lesion


@transaction.atomic
def lesion_update(*, lesion: LiverLesion, data: dict[str, Any], actor: Any) -> LiverLesion:
    _require_facts(lesion.case)
    _check_study_of_case(lesion.case, data.get("study"))
    # Moving a lesion to another study may change which lesions the facts read.
    facts_fields = set(LESION_FIELDS) & data.keys() | ({"study"} & data.keys())
    if assign(lesion, data):
        save_audited(lesion, actor=actor, clean=True)
        if facts_fields:
            _facts_changed(lesion.case, actor)
    return lesion


@transaction.atomic
def lesion_delete(*, lesion: LiverLesion, actor: Any) -> None:
    case = lesion.case
    _require_facts(case)
    MdtCase.objects.select_for_update().filter(pk=case.pk).first()
    read = facts_lesions(case_lesions(case_id=case.pk))
    if [item.pk for item in read] == [lesion.pk]:
        raise ApplicationError(
            "A case keeps at least one liver lesion.",
            errors={"": ["This is the case's only lesion: change it instead of deleting it."]},
            status=409,
        )
    delete_audited(lesion, actor=actor)
    _facts_changed(case, actor)


def _check_study_of_case(case: MdtCase, study: ImagingStudy | None) -> None:
    if study is not None and study.case_id != case.pk:
        raise ApplicationError(
            "The imaging study belongs to another case.",
            errors={"study": ["Choose an imaging study of the same case."]},
        )


def _validate_study(study: ImagingStudy) -> None:
    errors: dict[str, list[str]] = {}
    if study.modality != Modality.MRI:
        for field in ("hepatospecific_contrast", "diffusion_weighted"):
            if getattr(study, field):
                errors[field] = ["Only an MRI study has this."]
    if study.performed_on < study.case.patient.birth_date:
        errors["performed_on"] = ["Cannot be before the patient's birth date."]
    elif study.performed_on > timezone.localdate():
        errors["performed_on"] = ["Cannot be in the future."]
    if errors:
        raise ApplicationError("Invalid imaging study.", errors=errors)


@transaction.atomic
def study_create(*, case: MdtCase, data: dict[str, Any], actor: Any) -> ImagingStudy:
    _require_open(case)
    study = ImagingStudy(case=case, **data)
    _validate_study(study)
    save_audited(study, actor=actor, clean=True)
    return study


def _touch_if_read(study: ImagingStudy, actor: Any) -> None:
    """A study holding lesions may be (or stop being) the one the facts are read from."""
    if study.case.has_facts and study.lesions.exists():
        _facts_changed(study.case, actor)


@transaction.atomic
def study_update(*, study: ImagingStudy, data: dict[str, Any], actor: Any) -> ImagingStudy:
    _require_open(study.case)
    if assign(study, data):
        _validate_study(study)
        save_audited(study, actor=actor, clean=True)
        if {"modality", "performed_on"} & data.keys():
            _touch_if_read(study, actor)
    return study


@transaction.atomic
def study_delete(*, study: ImagingStudy, actor: Any) -> None:
    _require_open(study.case)
    # Lesions stay (they may be the case's facts); they lose the link to the study.
    held = list(study.lesions.all())
    for lesion in held:
        lesion.study = None
        save_audited(lesion, actor=actor)
    delete_audited(study, actor=actor)
    if held and study.case.has_facts:
        _facts_changed(study.case, actor)
