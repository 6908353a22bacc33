"""Reading a case's facts: the pathway input (SPEC section 1) assembled from its records."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from apps.imaging.models import LiverLesion
from apps.imaging.selectors import facts_lesions
from apps.pathways.facts import LATEST_INPUT, facts_to_dict, parse_facts
from apps.patients.models import MdtCase

# The one-to-one records the facts are read from (lesions and extrahepatic sites are prefetched),
# in two halves for `case_with_facts_get`.
_FIRST_JOIN = ("patient", "performance_status", "primary_tumour", "biomarkers")
_SECOND_JOIN = ("presentation", "treatment_history", "workup_status", "liver_assessment")
FACTS_RELATED = (*_FIRST_JOIN, *_SECOND_JOIN)

# Every lesion with its study in one query: the facts read those of the most recent study of
# the liver (`apps.imaging.selectors`), which needs each lesion's study.
LESIONS_PREFETCH = Prefetch("liver_lesions", queryset=LiverLesion.objects.select_related("study"))
FACTS_PREFETCH = (LESIONS_PREFETCH, "extrahepatic_sites")


def case_with_facts(*, case: MdtCase) -> MdtCase:
    """The case with every record of its facts loaded in three queries."""
    return (
        MdtCase.objects.select_related(*FACTS_RELATED)
        .prefetch_related(*FACTS_PREFETCH)
        .get(pk=case.pk)
    )


def case_with_facts_get(*, cases: QuerySet[MdtCase], pk: Any) -> MdtCase:
    """The case `pk` of a queryset (a scoped one: `apps.patients.selectors.case_list`) with every
    record of its facts loaded, as `case_with_facts` loads them, in four cheaper queries: the
    one-to-one records in two joins of five tables rather than one of nine, as PostgreSQL tries
    every order of the nine (about 2 ms of planning, twice that on a new connection) and plans
    five in a fraction of that, which outweighs the second round trip (the case page, read
    the most). Raises MdtCase.DoesNotExist when the queryset holds no such case."""
    case = (
        cases.select_related(None)
        .select_related(*_FIRST_JOIN)
        .prefetch_related(*FACTS_PREFETCH)
        .get(pk=pk)
    )
    others = MdtCase.objects.select_related(*_SECOND_JOIN).get(pk=case.pk)
    for name in _SECOND_JOIN:
        # A record that does not exist is held as None, as select_related holds it.
        relation = MdtCase._meta.get_field(name)
        record = relation.get_cached_value(others)
        relation.set_cached_value(case, record)
        if record is not None:
            relation.field.set_cached_value(record, case)
    return case


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
                for lesion in facts_lesions(case.liver_lesions.all())
            ],
            "hepatic_veins_involved": liver.hepatic_veins_involved,
            "both_portal_pedicles_involved": liver.both_portal_pedicles_involved,
            "flr_percent": _number(liver.future_liver_remnant_percent),
            "parenchyma": liver.parenchyma,
            "r0_feasible": liver.r0_feasible,
            "planned_resection": liver.planned_resection,
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
            "bevacizumab_in_course": treatment.bevacizumab_in_course,
            "adjuvant_oxaliplatin": treatment.adjuvant_oxaliplatin,
            "prior_immunotherapy": treatment.prior_immunotherapy,
        },
        "workup": {
            "mri_hepatospecific_done": workup.mri_hepatospecific_done,
            "pet_ct_done": workup.pet_ct_done,
            "colonoscopy_within_6_months": workup.colonoscopy_within_6_months,
        },
    }


def case_facts(*, case: MdtCase, version: str = LATEST_INPUT) -> dict[str, Any] | None:
    """The case's facts as the pathway input (SPEC section 1), or None when none are recorded.
    The records are read as the newest input; `version` writes them out as an earlier version's
    input (the fields it does not know left out).

    Raises FactsValidationError when the records no longer make a valid input (e.g. its last
    lesion was removed, or a rule of a newer version refuses them), so that callers never
    evaluate a broken case silently."""
    if not case.has_facts:
        return None
    return facts_to_dict(parse_facts(case_facts_raw(case=case_with_facts(case=case))), version)
