"""Writes of patients and cases. A case's clinical facts are written by `apps.casefacts`, and
the whole-referral intake by `apps.workspace`; what the meetings forbid doing to a case comes
through `case_checks`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.services import assign, delete_audited, save_audited
from apps.pathways.facts import AGE_MAX, AGE_MIN

from . import case_checks
from .choices import FINISHED_STATUSES, CaseStatus
from .models import Biomarkers, MdtCase, Patient, age_on

IDENTITY_FIELDS = ("given_name", "family_name", "birth_date", "sex")
# Statuses a coordinator may set by hand; `scheduled` and `discussed` follow the meetings.
MANUAL_STATUSES = {CaseStatus.AWAITING_DISCUSSION, CaseStatus.CLOSED, CaseStatus.WITHDRAWN}


def _check_birth_date(birth_date: date, path: str) -> None:
    today = timezone.localdate()
    if birth_date > today:
        raise ApplicationError("Invalid birth date.", errors={path: ["Cannot be in the future."]})
    if birth_date.year < 1900:
        raise ApplicationError("Invalid birth date.", errors={path: ["Must be 1900 or later."]})


def _check_birth_date_fits_cases(patient: Patient, birth_date: date) -> None:
    """Every case must stay after the birth and, where it has facts, within the pathway's ages."""
    for referred_on, has_facts in patient.cases.values_list("referred_on", "facts_updated_at"):
        if referred_on < birth_date:
            raise ApplicationError(
                "Invalid birth date.",
                errors={"birth_date": [f"A case was referred before it, on {referred_on}."]},
            )
        age = age_on(birth_date, referred_on)
        if has_facts and not AGE_MIN <= age <= AGE_MAX:
            raise ApplicationError(
                "Invalid birth date.",
                errors={
                    "birth_date": [
                        f"The patient would be {age} at the referral of {referred_on}; "
                        f"the pathway covers ages {AGE_MIN} to {AGE_MAX}."
                    ]
                },
            )


@transaction.atomic
def patient_create(
    *,
    hospital: Hospital,
    mrn: str,
    given_name: str,
    family_name: str,
    birth_date: date,
    sex: str,
    actor: Any,
) -> Patient:
    mrn = mrn.strip()
    if Patient.objects.filter(hospital=hospital, mrn=mrn).exists():
        raise ApplicationError(
            "A patient with this MRN already exists.",
            errors={"mrn": ["A patient with this MRN is already registered in this hospital."]},
        )
    _check_birth_date(birth_date, "birth_date")
    patient = Patient(
        hospital=hospital,
        mrn=mrn,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        birth_date=birth_date,
        sex=sex,
    )
    save_audited(patient, actor=actor, clean=True)
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, data: dict[str, Any], actor: Any) -> Patient:
    if "mrn" in data:
        data["mrn"] = data["mrn"].strip()
        clash = Patient.objects.filter(hospital=patient.hospital, mrn=data["mrn"]).exclude(
            pk=patient.pk
        )
        if clash.exists():
            raise ApplicationError(
                "A patient with this MRN already exists.",
                errors={"mrn": ["A patient with this MRN is already registered in this hospital."]},
            )
    if "birth_date" in data:
        _check_birth_date(data["birth_date"], "birth_date")
        _check_birth_date_fits_cases(patient, data["birth_date"])
    if assign(patient, data):
        save_audited(patient, actor=actor, clean=True)
        if "birth_date" in data:
            # The age in every case's facts follows the birth date.
            patient.cases.filter(facts_updated_at__isnull=False).update(
                facts_updated_at=timezone.now()
            )
    return patient


@transaction.atomic
def patient_delete(*, patient: Patient, actor: Any) -> None:
    if patient.cases.exists():
        raise ApplicationError(
            "This patient has MDT cases and cannot be deleted.",
            errors={"": ["Withdraw or close the patient's cases instead."]},
            status=409,
        )
    delete_audited(patient, actor=actor)


def _same_identity(patient: Patient, identity: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field in IDENTITY_FIELDS:
        if field not in identity:
            continue
        given, stored = identity[field], getattr(patient, field)
        if isinstance(given, str) and isinstance(stored, str):
            same = given.strip().casefold() == stored.strip().casefold()
        else:
            same = given == stored
        if not same:
            errors[f"patient.{field}"] = [
                "Does not match the patient already registered under this MRN; check the MRN."
            ]
    return errors


def patient_match_or_create(*, hospital: Hospital, identity: dict[str, Any], actor: Any) -> Patient:
    """The patient with this MRN, whose identity must agree with what was sent (a mismatch is
    a likely wrong-patient error), or a new patient."""
    mrn = identity["mrn"].strip()
    patient = Patient.objects.select_for_update().filter(hospital=hospital, mrn=mrn).first()
    if patient is None:
        try:
            return patient_create(hospital=hospital, actor=actor, **{**identity, "mrn": mrn})
        except ApplicationError as error:
            error.errors = {f"patient.{path}": messages for path, messages in error.errors.items()}
            raise
    mismatches = _same_identity(patient, identity)
    if mismatches:
        raise ApplicationError(
            "The MRN belongs to a patient with different details.", errors=mismatches
        )
    return patient


@transaction.atomic
def case_create(
    *,
    patient: Patient,
    question: str,
    created_by: Any,
    referring_clinician: str = "",
    general_practitioner: str = "",
    referred_on: date | None = None,
) -> MdtCase:
    case = MdtCase(
        patient=patient,
        question=question.strip(),
        referring_clinician=referring_clinician.strip(),
        general_practitioner=general_practitioner.strip(),
        referred_on=referred_on or timezone.localdate(),
        created_by=created_by,
    )
    if case.referred_on < patient.birth_date:
        raise ApplicationError(
            "Invalid referral date.", errors={"referred_on": ["Cannot be before the birth date."]}
        )
    save_audited(case, actor=created_by, clean=True)
    return case


@transaction.atomic
def case_update(*, case: MdtCase, data: dict[str, Any], actor: Any) -> MdtCase:
    data = dict(data)
    if "cea_measured_on" in data:
        _cea_date_record(case, data.pop("cea_measured_on"), actor)
    if "performance_assessed_on" in data:
        _record_field(
            case, "performance_status", "assessed_on", data.pop("performance_assessed_on"), actor
        )
    if "histology_confirmed" in data:
        _record_field(
            case, "primary_tumour", "histology_confirmed", data.pop("histology_confirmed"), actor
        )
    status = data.get("status")
    if status is not None and status != case.status:
        if status not in MANUAL_STATUSES:
            raise ApplicationError(
                "This status follows the meetings.",
                errors={"status": ["Scheduled and discussed are set by the meeting agenda."]},
            )
        case_checks.check_status_change(case)
    if "referred_on" in data and data["referred_on"] < case.patient.birth_date:
        raise ApplicationError(
            "Invalid referral date.", errors={"referred_on": ["Cannot be before the birth date."]}
        )
    if "referred_on" in data and data["referred_on"] != case.referred_on and case.has_facts:
        # The facts' age is taken on the referral date.
        data = {**data, "facts_updated_at": timezone.now()}
    if assign(case, data):
        save_audited(case, actor=actor, clean=True)
    return case


# The case's records written beside the facts (not part of the pathway input), by their name
# in `case_update`'s data.
_RECORD_FIELD_NAMES = {
    ("performance_status", "assessed_on"): "performance_assessed_on",
    ("primary_tumour", "histology_confirmed"): "histology_confirmed",
}


def _record_field(case: MdtCase, relation: str, field: str, value: Any, actor: Any) -> None:
    name = _RECORD_FIELD_NAMES[(relation, field)]
    try:
        record = getattr(case, relation)
    except ObjectDoesNotExist:
        record = None
    if record is None:
        raise ApplicationError(
            "Record the case's facts first.",
            errors={name: ["The case has no clinical facts recorded yet."]},
        )
    if isinstance(value, date) and value < case.patient.birth_date:
        raise ApplicationError("Invalid date.", errors={name: ["Cannot be before the birth date."]})
    if isinstance(value, date) and value > timezone.localdate():
        raise ApplicationError("Invalid date.", errors={name: ["Cannot be in the future."]})
    if assign(record, {field: value}):
        case_require_open(case=case)
        save_audited(record, actor=actor)


def _cea_date_record(case: MdtCase, measured_on: date | None, actor: Any) -> None:
    try:
        biomarkers = case.biomarkers  # the instance the facts write cached, if any
    except Biomarkers.DoesNotExist:
        biomarkers = None
    if biomarkers is None:
        raise ApplicationError(
            "Record the case's facts first.",
            errors={"cea_measured_on": ["The case has no biomarkers recorded yet."]},
        )
    if measured_on is not None and measured_on < case.patient.birth_date:
        raise ApplicationError(
            "Invalid date.", errors={"cea_measured_on": ["Cannot be before the birth date."]}
        )
    if assign(biomarkers, {"cea_measured_on": measured_on}):
        case_require_open(case=case)
        save_audited(biomarkers, actor=actor)


@transaction.atomic
def case_delete(*, case: MdtCase, actor: Any) -> None:
    case_checks.check_delete(case)
    delete_audited(case, actor=actor)


def case_require_open(*, case: MdtCase) -> None:
    if case.status in FINISHED_STATUSES:
        raise ApplicationError(
            f"The case is {case.get_status_display().lower()}.",
            errors={"": ["Reopen the case (status: awaiting_discussion) to change its facts."]},
            status=409,
        )


def case_facts_touch(*, case: MdtCase, actor: Any) -> None:
    """Note that the case's facts changed outside a whole-facts write (a lesion edited alone)."""
    case.facts_updated_at = timezone.now()
    save_audited(case, actor=actor)
