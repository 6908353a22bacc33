"""Writes of imaging findings: the liver part of a case's facts, imaging studies and lesions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.services import assign, delete_audited, save_audited
from apps.pathways.facts import LESIONS_MAX, ExtrahepaticFacts, LiverFacts
from apps.patients.models import MdtCase

from .choices import Modality
from .models import ExtrahepaticSite, ImagingStudy, LiverAssessment, LiverLesion

LESION_FIELDS = (
    "segment",
    "size_mm",
    "near_major_vessel",
    "peribiliary",
    "subcapsular_or_dome",
    "disappeared",
)


def liver_facts_record(
    *, case: MdtCase, liver: LiverFacts, extrahepatic: ExtrahepaticFacts, actor: Any
) -> bool:
    """Bring the liver assessment, the lesions (matched by position) and the extrahepatic sites
    (matched by site) in line with the facts; True when anything changed. Lesions keep their
    link to an imaging study when they stay in place."""
    changed = False
    assessment = LiverAssessment.objects.filter(case=case).first() or LiverAssessment(case=case)
    if assign(
        assessment,
        {
            "hepatic_veins_involved": liver.hepatic_veins_involved,
            "both_portal_pedicles_involved": liver.both_portal_pedicles_involved,
            "future_liver_remnant_percent": liver.flr_percent,
            "parenchyma": liver.parenchyma,
            "r0_feasible": liver.r0_feasible,
        },
    ):
        save_audited(assessment, actor=actor)
        changed = True

    existing = list(LiverLesion.objects.filter(case=case).order_by("position"))
    for extra in existing[len(liver.lesions) :]:
        delete_audited(extra, actor=actor)
        changed = True
    for position, lesion_facts in enumerate(liver.lesions):
        lesion = existing[position] if position < len(existing) else LiverLesion(case=case)
        values = {field: getattr(lesion_facts, field) for field in LESION_FIELDS}
        if assign(lesion, {"position": position, **values}):
            save_audited(lesion, actor=actor)
            changed = True

    sites = {site.site: site for site in ExtrahepaticSite.objects.filter(case=case)}
    wanted = {entry.site for entry in extrahepatic.sites}
    for name, site in sites.items():
        if name not in wanted:
            delete_audited(site, actor=actor)
            changed = True
    for position, entry in enumerate(extrahepatic.sites):
        site = sites.get(entry.site) or ExtrahepaticSite(case=case, site=entry.site)
        if assign(site, {"resectable": entry.resectable, "position": position}):
            save_audited(site, actor=actor)
            changed = True
    return changed


def _facts_changed(case: MdtCase, actor: Any) -> None:
    from apps.patients.services import case_facts_touch

    case_facts_touch(case=case, actor=actor)


def _require_open(case: MdtCase) -> None:
    # Imported here: the patients services import this module for the liver part of the facts.
    from apps.patients.services import case_require_open

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
    if lesions.count() >= LESIONS_MAX:
        raise ApplicationError(
            "Too many lesions.", errors={"case": [f"A case holds at most {LESIONS_MAX} lesions."]}
        )
    _check_study_of_case(case, data.get("study"))
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
    facts_fields = set(LESION_FIELDS) & data.keys()
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
    if LiverLesion.objects.filter(case=case).count() <= 1:
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


@transaction.atomic
def study_update(*, study: ImagingStudy, data: dict[str, Any], actor: Any) -> ImagingStudy:
    _require_open(study.case)
    if assign(study, data):
        _validate_study(study)
        save_audited(study, actor=actor, clean=True)
    return study


@transaction.atomic
def study_delete(*, study: ImagingStudy, actor: Any) -> None:
    _require_open(study.case)
    # Lesions stay (they are the case's facts); they lose the link to the study.
    for lesion in study.lesions.all():
        lesion.study = None
        save_audited(lesion, actor=actor)
    delete_audited(study, actor=actor)
