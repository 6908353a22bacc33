"""Writes of patients, cases and the clinical facts of a case."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.services import assign, delete_audited, save_audited
from apps.imaging.services import liver_facts_record
from apps.meetings.choices import MeetingStatus
from apps.pathways.facts import AGE_MAX, AGE_MIN, CaseFacts

from .choices import CaseStatus
from .models import (
    Biomarkers,
    MdtCase,
    Patient,
    PerformanceStatus,
    Presentation,
    PrimaryTumour,
    TreatmentHistory,
    WorkupStatus,
    age_on,
)

IDENTITY_FIELDS = ("given_name", "family_name", "birth_date", "sex")
# A closed or withdrawn case is a finished record: its facts change only after reopening it.
FINISHED_STATUSES = {CaseStatus.CLOSED, CaseStatus.WITHDRAWN}
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


def _age_errors(
    patient: Patient, referred_on: date, facts: CaseFacts, path: str
) -> dict[str, list[str]]:
    age = patient.age_on(referred_on)
    if facts.patient.age != age:
        return {
            path: [
                f"Does not match the birth date: the patient was {age} on the referral date "
                f"{referred_on.isoformat()}."
            ]
        }
    return {}


def _records_write(*, case: MdtCase, facts: CaseFacts, actor: Any) -> bool:
    """Write the facts onto the case's records; True when anything changed."""
    symptoms = set(facts.primary.symptoms)
    rows: list[tuple[type, dict[str, Any]]] = [
        (
            PerformanceStatus,
            {
                "ecog": facts.patient.ecog,
                "surgical_fitness": facts.patient.surgical_fitness,
                "declines_surgery": facts.patient.declines_surgery,
            },
        ),
        (
            PrimaryTumour,
            {
                "site": facts.primary.site,
                "in_situ": facts.primary.in_situ,
                "has_obstruction": "obstruction" in symptoms,
                "has_bleeding": "bleeding" in symptoms,
                "has_perforation": "perforation" in symptoms,
                "node_positive": facts.primary.node_positive,
            },
        ),
        (
            Presentation,
            {
                "timing": facts.presentation.timing,
                "disease_free_interval_months": facts.presentation.disease_free_interval_months,
                "prior_hepatectomy": facts.presentation.prior_hepatectomy,
            },
        ),
        (
            Biomarkers,
            {
                "ras": facts.biomarkers.ras,
                "braf_v600e": facts.biomarkers.braf_v600e,
                "msi": facts.biomarkers.msi,
                "cea_ng_ml": facts.biomarkers.cea_ng_ml,
            },
        ),
        (
            TreatmentHistory,
            {
                "prior_systemic_lines": facts.treatment.prior_systemic_lines,
                "preoperative_cycles": facts.treatment.preoperative_cycles,
                "latest_response": facts.treatment.latest_response,
                "chemo_refractory": facts.treatment.chemo_refractory,
            },
        ),
        (
            WorkupStatus,
            {
                "mri_hepatospecific_done": facts.workup.mri_hepatospecific_done,
                "pet_ct_done": facts.workup.pet_ct_done,
                "colonoscopy_within_6_months": facts.workup.colonoscopy_within_6_months,
            },
        ),
    ]
    changed = False
    for model, values in rows:
        record = model.objects.filter(case=case).first() or model(case=case)
        if assign(record, values):
            save_audited(record, actor=actor)
            changed = True
    return (
        liver_facts_record(
            case=case, liver=facts.liver, extrahepatic=facts.extrahepatic, actor=actor
        )
        or changed
    )


@transaction.atomic
def case_facts_record(
    *, case: MdtCase, facts: CaseFacts, actor: Any, path_prefix: str = ""
) -> bool:
    """Record the case's clinical facts (all of them, as the pathway input gives them).

    Only what changed is written, so the audit trail shows real changes. Returns True when
    anything changed; the case's `facts_updated_at` then moves, which marks recommendations
    made on the earlier facts as stale.
    """
    case_require_open(case=case)
    errors = _age_errors(case.patient, case.referred_on, facts, f"{path_prefix}patient.age")
    if errors:
        raise ApplicationError("The facts do not match the patient.", errors=errors)
    changed = _records_write(case=case, facts=facts, actor=actor)
    if changed or case.facts_updated_at is None:
        case.facts_updated_at = timezone.now()
        save_audited(case, actor=actor)
    return changed


@transaction.atomic
def case_create(
    *,
    patient: Patient,
    question: str,
    created_by: Any,
    referring_clinician: str = "",
    referred_on: date | None = None,
    facts: CaseFacts | None = None,
    facts_path_prefix: str = "facts.",
) -> MdtCase:
    case = MdtCase(
        patient=patient,
        question=question.strip(),
        referring_clinician=referring_clinician.strip(),
        referred_on=referred_on or timezone.localdate(),
        created_by=created_by,
    )
    if case.referred_on < patient.birth_date:
        raise ApplicationError(
            "Invalid referral date.", errors={"referred_on": ["Cannot be before the birth date."]}
        )
    save_audited(case, actor=created_by, clean=True)
    if facts is not None:
        case_facts_record(case=case, facts=facts, actor=created_by, path_prefix=facts_path_prefix)
    return case


@transaction.atomic
def case_refer(
    *,
    hospital: Hospital,
    question: str,
    created_by: Any,
    identity: dict[str, Any] | None = None,
    patient: Patient | None = None,
    referring_clinician: str = "",
    referred_on: date | None = None,
    facts: CaseFacts | None = None,
    cea_measured_on: date | None = None,
) -> MdtCase:
    """A referral in one step: the patient (given, or matched by MRN from `identity`, or
    registered), the case, and its facts. All or nothing."""
    if patient is None:
        if identity is None:
            raise ApplicationError("Who is the patient?", errors={"patient": ["Required."]})
        patient = patient_match_or_create(hospital=hospital, identity=identity, actor=created_by)
    case = case_create(
        patient=patient,
        question=question,
        referring_clinician=referring_clinician,
        referred_on=referred_on,
        facts=facts,
        created_by=created_by,
    )
    if cea_measured_on is not None:
        case_update(case=case, data={"cea_measured_on": cea_measured_on}, actor=created_by)
    return case


@transaction.atomic
def case_update(*, case: MdtCase, data: dict[str, Any], actor: Any) -> MdtCase:
    data = dict(data)
    if "cea_measured_on" in data:
        _cea_date_record(case, data.pop("cea_measured_on"), actor)
    status = data.get("status")
    if status is not None and status != case.status:
        if status not in MANUAL_STATUSES:
            raise ApplicationError(
                "This status follows the meetings.",
                errors={"status": ["Scheduled and discussed are set by the meeting agenda."]},
            )
        if case.agenda_items.exclude(meeting__status=MeetingStatus.CLOSED).exists():
            raise ApplicationError(
                "The case is on an open meeting's agenda.",
                errors={"status": ["Take the case off the agenda first."]},
            )
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
    if case.agenda_items.exists():
        raise ApplicationError(
            "This case has been on a meeting agenda and cannot be deleted.",
            errors={"": ["Withdraw the case instead (status: withdrawn)."]},
            status=409,
        )
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


def _prefixed(error: ApplicationError, prefix: str) -> ApplicationError:
    error.errors = {
        (f"{prefix}{path}" if path else path): messages for path, messages in error.errors.items()
    }
    return error


def _study_record(*, case: MdtCase, study_data: dict[str, Any], actor: Any) -> None:
    """Create or correct the case's latest imaging study and link its unlinked lesions to it
    (the lesion table of the intake form is that study's reading)."""
    from apps.imaging.models import ImagingStudy, LiverLesion
    from apps.imaging.services import lesion_update, study_create, study_update

    study = ImagingStudy.objects.filter(case=case).order_by("-performed_on", "-created_at").first()
    try:
        if study is None:
            study = study_create(case=case, data=study_data, actor=actor)
        else:
            study = study_update(study=study, data=study_data, actor=actor)
    except ApplicationError as error:
        raise _prefixed(error, "study.") from None
    for lesion in LiverLesion.objects.filter(case=case, study__isnull=True):
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
) -> MdtCase:
    """A referral from the intake form, all or nothing: the patient (matched by MRN or
    registered), the case with its facts, the CEA date, the imaging study its lesions were read
    on, and the first recommendation snapshot, so the new case opens with the pathway's advice.

    Errors are keyed as the form names its inputs: `patient.*` (identity and facts),
    `referred_on`, `question`, `cea_measured_on`, `study.*` and the facts paths."""
    from apps.recommendations.services import recommendation_create

    case = case_refer(
        hospital=hospital,
        identity=identity,
        question=question,
        referring_clinician=referring_clinician,
        referred_on=referred_on,
        created_by=actor,
    )
    case_facts_record(case=case, facts=facts, actor=actor)
    if cea_measured_on is not None:
        case_update(case=case, data={"cea_measured_on": cea_measured_on}, actor=actor)
    if study is not None:
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
) -> MdtCase:
    """The intake form saved over an existing case: the referral, the facts, the CEA date and
    the latest imaging study, each written (and audited) only where it changed. A finished case
    is refused whole (409). The recommendation is not re-run: the case's snapshot turns stale
    and the board sees that, until someone recalculates."""
    locked = MdtCase.objects.select_for_update().select_related("patient").get(pk=case.pk)
    case_require_open(case=locked)
    case_update(
        case=locked,
        data={
            "question": question.strip(),
            "referring_clinician": referring_clinician.strip(),
            "referred_on": referred_on,
        },
        actor=actor,
    )
    case_facts_record(case=locked, facts=facts, actor=actor)
    case_update(case=locked, data={"cea_measured_on": cea_measured_on}, actor=actor)
    if study is not None:
        _study_record(case=locked, study_data=study, actor=actor)
    return locked
