"""Writing a case's facts: a whole pathway input recorded onto the case's records, and a
referral that arrives with its facts (the API's one-call referral)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.services import assign, delete_audited, save_audited
from apps.imaging.models import ExtrahepaticSite, ImagingStudy, LiverAssessment, LiverLesion
from apps.imaging.selectors import case_lesions, facts_lesions, facts_study_of
from apps.imaging.services import LESION_FIELDS
from apps.pathways.facts import CaseFacts, ExtrahepaticFacts, LiverFacts
from apps.patients.models import (
    Biomarkers,
    MdtCase,
    Patient,
    PerformanceStatus,
    Presentation,
    PrimaryTumour,
    TreatmentHistory,
    WorkupStatus,
)
from apps.patients.services import (
    case_create,
    case_require_open,
    case_update,
    patient_match_or_create,
)


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


def _case_records_write(*, case: MdtCase, facts: CaseFacts, actor: Any) -> bool:
    """Write the facts onto the case's own records (patients); True when anything changed."""
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
                "bevacizumab_in_course": facts.treatment.bevacizumab_in_course,
                "adjuvant_oxaliplatin": facts.treatment.adjuvant_oxaliplatin,
                "prior_immunotherapy": facts.treatment.prior_immunotherapy,
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
    return changed


def _liver_records_write(
    *,
    case: MdtCase,
    liver: LiverFacts,
    extrahepatic: ExtrahepaticFacts,
    actor: Any,
    lesions_study: ImagingStudy | None = None,
) -> bool:
    """Bring the liver assessment, the lesions (matched in order) and the extrahepatic sites
    (matched by site) in line with the facts; True when anything changed.

    The lesions written are the reading the facts come from (the most recent study of the
    liver that holds lesions, `apps.imaging.selectors`), or those of `lesions_study` when given
    (a new study read at intake); the lesions of other studies stay as they were, so reading
    the facts back gives what was written."""
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
            "planned_resection": liver.planned_resection,
        },
    ):
        save_audited(assessment, actor=actor)
        changed = True

    every = case_lesions(case_id=case.pk)
    if lesions_study is None:
        target = facts_study_of(every)
        existing = facts_lesions(every)
    else:
        target = lesions_study
        existing = [lesion for lesion in every if lesion.study_id == lesions_study.pk]
    for extra in existing[len(liver.lesions) :]:
        delete_audited(extra, actor=actor)
        changed = True
    # Positions stay unique over the case (lesions of other studies keep theirs).
    next_position = max((lesion.position for lesion in every), default=-1) + 1
    for index, lesion_facts in enumerate(liver.lesions):
        values = {field: getattr(lesion_facts, field) for field in LESION_FIELDS}
        if index < len(existing):
            lesion = existing[index]
        else:
            lesion = LiverLesion(case=case, study=target, position=next_position)
            next_position += 1
        if assign(lesion, values):
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


@transaction.atomic
def case_facts_record(
    *,
    case: MdtCase,
    facts: CaseFacts,
    actor: Any,
    path_prefix: str = "",
    lesions_study: ImagingStudy | None = None,
) -> bool:
    """Record the case's clinical facts (all of them, as the pathway input gives them).
    The lesions go to the study the facts are read from, or to `lesions_study` (a study of
    the case just recorded, on which the lesions were measured).

    Only what changed is written, so the audit trail shows real changes. Returns True when
    anything changed; the case's `facts_updated_at` then moves, which marks recommendations
    made on the earlier facts as stale.
    """
    case_require_open(case=case)
    errors = _age_errors(case.patient, case.referred_on, facts, f"{path_prefix}patient.age")
    if errors:
        raise ApplicationError("The facts do not match the patient.", errors=errors)
    changed = _case_records_write(case=case, facts=facts, actor=actor)
    changed = (
        _liver_records_write(
            case=case,
            liver=facts.liver,
            extrahepatic=facts.extrahepatic,
            actor=actor,
            lesions_study=lesions_study,
        )
        or changed
    )
    if changed or case.facts_updated_at is None:
        case.facts_updated_at = timezone.now()
        save_audited(case, actor=actor)
    return changed


@transaction.atomic
def case_refer(
    *,
    hospital: Hospital,
    question: str,
    created_by: Any,
    identity: dict[str, Any] | None = None,
    patient: Patient | None = None,
    referring_clinician: str = "",
    general_practitioner: str = "",
    referred_on: date | None = None,
    facts: CaseFacts | None = None,
    cea_measured_on: date | None = None,
) -> MdtCase:
    """A referral in one step: the patient (given, or matched by MRN from `identity`, or
    registered), the case, and its facts. All or nothing; errors of the facts are keyed
    `facts.*`, as the API's body names them."""
    if patient is None:
        if identity is None:
            raise ApplicationError("Who is the patient?", errors={"patient": ["Required."]})
        patient = patient_match_or_create(hospital=hospital, identity=identity, actor=created_by)
    case = case_create(
        patient=patient,
        question=question,
        referring_clinician=referring_clinician,
        general_practitioner=general_practitioner,
        referred_on=referred_on,
        created_by=created_by,
    )
    if facts is not None:
        case_facts_record(case=case, facts=facts, actor=created_by, path_prefix="facts.")
    if cea_measured_on is not None:
        case_update(case=case, data={"cea_measured_on": cea_measured_on}, actor=created_by)
    return case
