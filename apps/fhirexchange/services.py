"""Writes: a referral imported from a FHIR Bundle. All or nothing: the patient is created or
updated and the case with its facts recorded in one transaction, so a Bundle that fails
anywhere (the reading, the patient's identity, the facts against the birth date) leaves no
trace."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.casefacts.services import case_refer
from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.patients.models import MdtCase, Patient
from apps.patients.services import patient_create, patient_update

from .reader import read_bundle

DEFAULT_QUESTION = "Imported from FHIR without a question: please state what the board is asked."


@transaction.atomic
def fhir_referral_import(*, hospital: Hospital, data: Any, actor: Any) -> MdtCase:
    """Create or update the patient (matched by MRN within `hospital`) and refer a new case with
    the Bundle's facts. Raises ApplicationError whose errors name the Bundle's elements."""
    referral = read_bundle(data, hospital_code=hospital.code)
    try:
        patient = (
            Patient.objects.select_for_update().filter(hospital=hospital, mrn=referral.mrn).first()
        )
        if patient is None:
            patient = patient_create(
                hospital=hospital, mrn=referral.mrn, actor=actor, **referral.identity
            )
        else:
            patient = patient_update(patient=patient, data=dict(referral.identity), actor=actor)
        return case_refer(
            hospital=hospital,
            patient=patient,
            question=referral.question or DEFAULT_QUESTION,
            referring_clinician=referral.referring_clinician,
            referred_on=referral.referred_on,
            facts=referral.facts,
            cea_measured_on=referral.cea_measured_on,
            created_by=actor,
        )
    except ApplicationError as error:
        error.errors = referral.bundle_errors(error.errors)
        raise
