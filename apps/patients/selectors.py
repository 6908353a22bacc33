"""Reads of patients and cases, scoped to what the user may see: the records of their own
hospital. Anything outside answers 404 (it does not exist for this user)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.core.roles import user_hospital
from apps.pathways.facts import facts_to_dict, parse_facts

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
        "patient", "created_by", "biomarkers"
    )


FACTS_RELATED = (
    "patient",
    "performance_status",
    "primary_tumour",
    "presentation",
    "biomarkers",
    "treatment_history",
    "workup_status",
    "liver_assessment",
)


def case_with_facts(*, case: MdtCase) -> MdtCase:
    """The case with every record of its facts loaded in three queries."""
    return (
        MdtCase.objects.select_related(*FACTS_RELATED)
        .prefetch_related("liver_lesions", "extrahepatic_sites")
        .get(pk=case.pk)
    )


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def case_facts_raw(*, case: MdtCase) -> dict[str, Any]:
    """The pathway input assembled from the case's records (not yet checked)."""
    performance = case.performance_status
    primary = case.primary_tumour
    presentation = case.presentation
    biomarkers = case.biomarkers
    treatment = case.treatment_history
    workup = case.workup_status
    liver = case.liver_assessment
    return {
        "patient": {
            "age": case.patient.age_on(case.referred_on),
            "ecog": performance.ecog,
            "surgical_fitness": performance.surgical_fitness,
            "declines_surgery": performance.declines_surgery,
        },
        "primary": {
            "site": primary.site,
            "in_situ": primary.in_situ,
            "symptoms": primary.symptoms,
            "node_positive": primary.node_positive,
        },
        "presentation": {
            "timing": presentation.timing,
            "disease_free_interval_months": _number(presentation.disease_free_interval_months),
            "prior_hepatectomy": presentation.prior_hepatectomy,
        },
        "biomarkers": {
            "ras": biomarkers.ras,
            "braf_v600e": biomarkers.braf_v600e,
            "msi": biomarkers.msi,
            "cea_ng_ml": _number(biomarkers.cea_ng_ml),
        },
        "liver": {
            "lesions": [
                {
                    "segment": lesion.segment,
                    "size_mm": _number(lesion.size_mm),
                    "near_major_vessel": lesion.near_major_vessel,
                    "peribiliary": lesion.peribiliary,
                    "subcapsular_or_dome": lesion.subcapsular_or_dome,
                    "disappeared": lesion.disappeared,
                }
                for lesion in case.liver_lesions.all()
            ],
            "hepatic_veins_involved": liver.hepatic_veins_involved,
            "both_portal_pedicles_involved": liver.both_portal_pedicles_involved,
            "flr_percent": _number(liver.future_liver_remnant_percent),
            "parenchyma": liver.parenchyma,
            "r0_feasible": liver.r0_feasible,
        },
        "extrahepatic": {
            "sites": [
                {"site": site.site, "resectable": site.resectable}
                for site in case.extrahepatic_sites.all()
            ]
        },
        "treatment": {
            "prior_systemic_lines": treatment.prior_systemic_lines,
            "preoperative_cycles": treatment.preoperative_cycles,
            "latest_response": treatment.latest_response,
            "chemo_refractory": treatment.chemo_refractory,
        },
        "workup": {
            "mri_hepatospecific_done": workup.mri_hepatospecific_done,
            "pet_ct_done": workup.pet_ct_done,
            "colonoscopy_within_6_months": workup.colonoscopy_within_6_months,
        },
    }


def case_facts(*, case: MdtCase) -> dict[str, Any] | None:
    """The case's facts as the pathway input (SPEC section 1), or None when none are recorded.

    Raises FactsValidationError when the records no longer make a valid input (e.g. its last
    lesion was removed), so that callers never evaluate a broken case silently."""
    if not case.has_facts:
        return None
    return facts_to_dict(parse_facts(case_facts_raw(case=case_with_facts(case=case))))


def case_audit_trail(*, case: MdtCase) -> list[dict[str, Any]]:
    """Every change to the case, its patient and its clinical records, newest first."""
    from apps.core.audit import audit_entries
    from apps.imaging.models import ExtrahepaticSite, ImagingStudy, LiverAssessment, LiverLesion
    from apps.meetings.models import AgendaItem, Decision, DecisionAction
    from apps.recommendations.models import RecommendationSnapshot

    from .models import (
        Biomarkers,
        PerformanceStatus,
        Presentation,
        PrimaryTumour,
        TreatmentHistory,
        WorkupStatus,
    )

    per_case = [
        ("performance_status", PerformanceStatus),
        ("primary_tumour", PrimaryTumour),
        ("presentation", Presentation),
        ("biomarkers", Biomarkers),
        ("treatment_history", TreatmentHistory),
        ("workup_status", WorkupStatus),
        ("liver_assessment", LiverAssessment),
        ("liver_lesion", LiverLesion),
        ("extrahepatic_site", ExtrahepaticSite),
        ("imaging_study", ImagingStudy),
        ("agenda_item", AgendaItem),
        ("recommendation", RecommendationSnapshot),
    ]
    # The board's decisions and actions on the case, through every agenda item it ever had
    # (a removed item's history still names the case). The surgeons' votes are left out: a
    # hidden call must not be readable here before the chair reveals it.
    agenda_items = AgendaItem.history.filter(case_id=case.id).values("id")
    sources = [
        ("patient", Patient.history.filter(id=case.patient_id)),
        ("case", MdtCase.history.filter(id=case.id)),
        *((name, model.history.filter(case_id=case.id)) for name, model in per_case),
        ("decision", Decision.history.filter(agenda_item_id__in=agenda_items)),
        ("decision_action", DecisionAction.history.filter(agenda_item_id__in=agenda_items)),
    ]
    return audit_entries(sources)


def case_search(*, user: Any, status: str = "", query: str = "") -> QuerySet[MdtCase]:
    """The user's cases for the case list, newest referral first: filtered by status and by an
    MRN or family name (the start of either, case-insensitive), each with the primary
    recommendation code of its latest snapshot (one subquery, not one query per row)."""
    from django.db.models import OuterRef, Q, Subquery

    from apps.recommendations.models import RecommendationSnapshot

    cases = case_list(user=user)
    if status:
        cases = cases.filter(status=status)
    query = query.strip()
    if query:
        cases = cases.filter(
            Q(patient__mrn__istartswith=query) | Q(patient__family_name__istartswith=query)
        )
    latest = RecommendationSnapshot.objects.filter(case=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return cases.annotate(latest_primary_code=Subquery(latest.values("primary_code")[:1])).order_by(
        "-referred_on", "-created_at"
    )
