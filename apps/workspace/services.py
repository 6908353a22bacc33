"""The whole-referral intake of the browser form: patient, case, facts, imaging study and the
first recommendation, in one transaction. It lives here, above `patients`, `imaging`,
`casefacts` and `recommendations`, because it writes through all of them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from apps.casefacts.services import case_facts_record
from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.imaging.choices import LIVER_MODALITIES
from apps.imaging.models import ImagingStudy
from apps.imaging.selectors import case_facts_study, case_lesions, facts_lesions, facts_study_of
from apps.imaging.services import lesion_update, study_create, study_update
from apps.pathways.facts import CaseFacts
from apps.patients.models import MdtCase
from apps.patients.services import (
    case_create,
    case_require_open,
    case_update,
    patient_match_or_create,
)
from apps.recommendations.services import recommendation_create


def _prefixed(error: ApplicationError, prefix: str) -> ApplicationError:
    error.errors = {
        (f"{prefix}{path}" if path else path): messages for path, messages in error.errors.items()
    }
    return error


def _new_study_record(*, case: MdtCase, study_data: dict[str, Any], actor: Any) -> ImagingStudy:
    """A further imaging study on which the form's lesion table was measured: it must be a
    study of the liver and not older than the one the facts are read from now, so that the
    facts are read from it afterwards (`apps.imaging.selectors`)."""
    errors: dict[str, list[str]] = {}
    if study_data["modality"] not in LIVER_MODALITIES:
        errors["study.modality"] = [
            "The lesion table is read from a study of the liver: CT, CT chest-abdomen-pelvis,"
            " MRI, PET-CT or contrast-enhanced ultrasound."
        ]
    current = case_facts_study(case_id=case.pk)
    if current is not None and study_data["performed_on"] < current.performed_on:
        errors["study.performed_on"] = [
            f"Older than the study the facts are read from"
            f" ({current.performed_on:%-d %b %Y}): correct that one instead."
        ]
    if errors:
        raise ApplicationError("Invalid imaging study.", errors=errors)
    try:
        return study_create(case=case, data=study_data, actor=actor)
    except ApplicationError as error:
        raise _prefixed(error, "study.") from None


def _study_record(*, case: MdtCase, study_data: dict[str, Any], actor: Any) -> None:
    """Create or correct the study the form's lesion table was read from (the one the facts are
    read from, else the case's latest) and link the lesions the facts read to it."""
    every = case_lesions(case_id=case.pk)
    read = facts_lesions(every)
    study = (
        facts_study_of(every)
        or ImagingStudy.objects.filter(case=case).order_by("-performed_on", "-created_at").first()
    )
    try:
        if study is None:
            study = study_create(case=case, data=study_data, actor=actor)
        else:
            study = study_update(study=study, data=study_data, actor=actor)
    except ApplicationError as error:
        raise _prefixed(error, "study.") from None
    for lesion in read:
        if lesion.study_id != study.pk:
            lesion_update(lesion=lesion, data={"study": study}, actor=actor)


@transaction.atomic
def case_intake(
    *,
    hospital: Hospital,
    identity: dict[str, Any],
    question: str,
    referring_clinician: str,
    referred_on: date,
    facts: CaseFacts,
    cea_measured_on: date | None,
    study: dict[str, Any] | None,
    actor: Any,
    general_practitioner: str = "",
    records: dict[str, Any] | None = None,
) -> MdtCase:
    """A referral from the intake form, all or nothing: the patient (matched by MRN or
    registered), the case with its facts, the CEA date, the imaging study its lesions were read
    on, and the first recommendation snapshot, so the new case opens with the pathway's advice.

    Errors are keyed as the form names its inputs: `patient.*` (identity and facts),
    `referred_on`, `question`, `cea_measured_on`, `study.*` and the facts paths."""
    patient = patient_match_or_create(hospital=hospital, identity=identity, actor=actor)
    case = case_create(
        patient=patient,
        question=question,
        referring_clinician=referring_clinician,
        general_practitioner=general_practitioner,
        referred_on=referred_on,
        created_by=actor,
    )
    case_facts_record(case=case, facts=facts, actor=actor)
    if cea_measured_on is not None:
        case_update(case=case, data={"cea_measured_on": cea_measured_on}, actor=actor)
    if records:
        case_update(case=case, data=records, actor=actor)
    if study is not None:
        study.pop("new", None)  # a new referral's study is its first
        _study_record(case=case, study_data=study, actor=actor)
    recommendation_create(case=case, actor=actor)
    return case


@transaction.atomic
def case_intake_update(
    *,
    case: MdtCase,
    question: str,
    referring_clinician: str,
    referred_on: date,
    facts: CaseFacts,
    cea_measured_on: date | None,
    study: dict[str, Any] | None,
    actor: Any,
    general_practitioner: str = "",
    records: dict[str, Any] | None = None,
) -> MdtCase:
    """The intake form saved over an existing case: the referral, the facts, the CEA date and
    the latest imaging study (or a new one, `study["new"]`, which then holds the lesion
    table), each written (and audited) only where it changed. A finished case
    is refused whole (409). The recommendation is not re-run: the case's snapshot turns stale
    and the board sees that, until someone recalculates."""
    locked = MdtCase.objects.select_for_update().select_related("patient").get(pk=case.pk)
    case_require_open(case=locked)
    case_update(
        case=locked,
        data={
            "question": question.strip(),
            "referring_clinician": referring_clinician.strip(),
            "general_practitioner": general_practitioner.strip(),
            "referred_on": referred_on,
        },
        actor=actor,
    )
    new_study = None
    if study is not None and study.pop("new", False):
        new_study = _new_study_record(case=locked, study_data=study, actor=actor)
    case_facts_record(case=locked, facts=facts, actor=actor, lesions_study=new_study)
    case_update(case=locked, data={"cea_measured_on": cea_measured_on}, actor=actor)
    if records:
        case_update(case=locked, data=records, actor=actor)
    if study is not None and new_study is None:
        _study_record(case=locked, study_data=study, actor=actor)
    return locked
