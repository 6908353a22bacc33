"""Derived values every pathway version shares (SPEC sections 2 and 3 of crlm-2026.1 and
crlm-2027.1 say the same of them): pure functions of the facts.

Each function computes one value the rules use, so each can be tested on its own and the
rules read as clinical sentences. Thresholds are named constants with the SPEC's reasons. What a
version defines its own way (the expected extent of the hepatectomy, `favourable`, readiness for
surgery) is in that version's `derived.py`.
"""

from __future__ import annotations

from collections.abc import Iterable

from apps.pathways.facts import CaseFacts, ExtrahepaticSiteFacts, LesionFacts, LiverFacts
from apps.pathways.result import FlrAssessment, FongCriteria, FongScore, whole

LEFT_LIVER_SEGMENTS = frozenset({2, 3, 4})
RIGHT_LIVER_SEGMENTS = frozenset({5, 6, 7, 8})  # segment 1 (caudate) belongs to neither side
ALL_SEGMENTS = 8

EXTENSIVE_LESION_COUNT = 6  # [choice] the HAI study's cohort: 46 of 54 had 6 or more lesions
EXTENSIVE_SEGMENTS = 5  # [choice] bulk that a lesion count misses

TRIPLET_MAX_AGE = 70  # [choice] "young, healthy patients"
TRIPLET_MAX_ECOG = 1
PROLONGED_CHEMOTHERAPY_CYCLES = 6  # more than this many cycles injure the liver

# Ablation by size (SPEC 2, [choice] for the 30 and 50 mm limits and the reordering).
RFA_BEST_MAX_MM = 20
MWA_FIRST_MAX_MM = 30
ABLATABLE_MAX_MM = 50

# Fong clinical risk score (SPEC 2.1).
FONG_DFI_MONTHS = 12
FONG_LARGEST_MM = 50
FONG_CEA_NG_ML = 200
FONG_LOW_MAX = 2
FONG_INTERMEDIATE_MAX = 4
FONG_CRITERIA = (
    "dfi_under_12_months",
    "multiple_lesions",
    "largest_over_50_mm",
    "node_positive",
    "cea_over_200",
)
assert FongCriteria.__struct_fields__ == FONG_CRITERIA

# Required future liver remnant, percent of functional liver volume (SPEC 2.2).
FLR_REQUIRED_NORMAL = 20
FLR_REQUIRED_CIRRHOSIS = 30
FLR_REQUIRED_INJURED = 40
FLR_GREY_ZONE_TOP = 30  # 20 <= FLR < 30 in a normal liver is sufficient but borderline

# Extrahepatic sites the sources report as no bar to resection when the site can be cleared.
EHD_RESECTABLE_SITES = frozenset({"lung", "portocaval_nodes", "ovary", "adrenal"})
PERITONEUM_MAX_LESIONS = 3
PERITONEUM_MAX_ECOG = 1
MAIN_HEPATIC_VEINS = 3


# --- the liver disease ---------------------------------------------------------------------------


def segments_involved(lesions: Iterable[LesionFacts]) -> tuple[int, ...]:
    return tuple(sorted({lesion.segment for lesion in lesions}))


def is_bilobar(segments: Iterable[int]) -> bool:
    present = set(segments)
    return bool(present & LEFT_LIVER_SEGMENTS) and bool(present & RIGHT_LIVER_SEGMENTS)


def extensive_liver_disease(lesion_count: int, segments: tuple[int, ...]) -> bool:
    return lesion_count >= EXTENSIVE_LESION_COUNT or len(segments) >= EXTENSIVE_SEGMENTS


def technically_unresectable(liver: LiverFacts, segments: tuple[int, ...]) -> bool:
    """All segments, all three main hepatic veins, both portal pedicles, or no R0 possible.

    Bilobar disease and the number of lesions alone never make the liver unresectable.
    """
    return (
        len(segments) == ALL_SEGMENTS
        or liver.hepatic_veins_involved == MAIN_HEPATIC_VEINS
        or liver.both_portal_pedicles_involved
        or liver.r0_feasible is False
    )


def ablation_modalities(lesion: LesionFacts) -> tuple[str, ...]:
    """The ablative modalities for a lesion, in order of preference; empty when too large."""
    size = lesion.size_mm
    if size <= RFA_BEST_MAX_MM:
        order = ["RFA", "MWA", "SBRT"]
    elif size <= MWA_FIRST_MAX_MM:
        order = ["MWA", "SBRT", "RFA"]
    elif size <= ABLATABLE_MAX_MM:
        order = ["SBRT", "MWA"]
    else:
        return ()
    if lesion.near_major_vessel:
        # Heat sink: blood flow cools the RFA zone whatever the size.
        if "RFA" in order:
            order.remove("RFA")
        if size > RFA_BEST_MAX_MM:
            order.remove("SBRT")
            order.insert(0, "SBRT")
    if lesion.peribiliary:
        if "MWA" in order:
            order.remove("MWA")
        if size <= MWA_FIRST_MAX_MM and "RFA" in order:
            order.remove("RFA")
            order.insert(0, "RFA")
    return tuple(order)


# --- the patient and the treatment ---------------------------------------------------------------


def surgical_candidate(facts: CaseFacts) -> bool:
    patient = facts.patient
    return patient.effective_surgical_fitness == "fit" and not patient.declines_surgery


def triplet_eligible(facts: CaseFacts) -> bool:
    return facts.patient.age <= TRIPLET_MAX_AGE and facts.patient.ecog <= TRIPLET_MAX_ECOG


def liver_injury(facts: CaseFacts) -> bool:
    """Injured parenchyma, prolonged chemotherapy, or oxaliplatin and irinotecan already given."""
    return (
        facts.liver.parenchyma == "chemotherapy_injury"
        or facts.treatment.preoperative_cycles > PROLONGED_CHEMOTHERAPY_CYCLES
        or facts.treatment.chemo_refractory
    )


def disease_free_interval_months(facts: CaseFacts) -> float | None:
    if facts.presentation.timing == "synchronous":
        return 0
    return facts.presentation.disease_free_interval_months


# --- scores and classes --------------------------------------------------------------------------


def fong_score(facts: CaseFacts) -> FongScore:
    """The Fong clinical risk score; an unknown criterion scores 0 and is listed as missing."""
    lesions = facts.liver.lesions
    dfi = disease_free_interval_months(facts)
    cea = facts.biomarkers.cea_ng_ml
    criteria = FongCriteria(
        dfi_under_12_months=None if dfi is None else dfi < FONG_DFI_MONTHS,
        multiple_lesions=len(lesions) > 1,
        largest_over_50_mm=max(lesion.size_mm for lesion in lesions) > FONG_LARGEST_MM,
        node_positive=facts.primary.node_positive,
        cea_over_200=None if cea is None else cea > FONG_CEA_NG_ML,
    )
    score = sum(1 for _, met in criteria if met)
    missing = tuple(name for name, met in criteria if met is None)
    if score <= FONG_LOW_MAX:
        risk = "low"
    elif score <= FONG_INTERMEDIATE_MAX:
        risk = "intermediate"
    else:
        risk = "high"
    return FongScore(
        score=score,
        worst_case=score + len(missing),
        risk=risk,
        complete=not missing,
        missing=missing,
        criteria=criteria,
    )


def required_flr_percent(parenchyma: str, injured: bool) -> int:
    """The highest threshold among the rows that apply (normal, cirrhosis, liver injury)."""
    required = FLR_REQUIRED_NORMAL
    if parenchyma == "cirrhosis":
        required = FLR_REQUIRED_CIRRHOSIS
    if injured:
        required = FLR_REQUIRED_INJURED
    return required


def flr_assessment(liver: LiverFacts, injured: bool) -> FlrAssessment:
    required = required_flr_percent(liver.parenchyma, injured)
    measured = liver.flr_percent
    return FlrAssessment(
        required_percent=required,
        measured_percent=whole(measured),
        sufficient=None if measured is None else measured >= required,
    )


def flr_borderline(liver: LiverFacts, injured: bool) -> bool:
    """Normal liver with 20 <= FLR < 30: sufficient here, below the stricter consensus of 30%."""
    flr = liver.flr_percent
    return (
        liver.parenchyma == "normal"
        and not injured
        and flr is not None
        and FLR_REQUIRED_NORMAL <= flr < FLR_GREY_ZONE_TOP
    )


def ehd_class(sites: tuple[ExtrahepaticSiteFacts, ...], lesion_count: int, ecog: int) -> str:
    """`none`, `resectable` (one clearable site that is no bar to surgery) or `unresectable`."""
    if not sites:
        return "none"
    if len(sites) == 1 and sites[0].resectable:
        site = sites[0].site
        if site in EHD_RESECTABLE_SITES:
            return "resectable"
        if (
            site == "peritoneum"
            and lesion_count <= PERITONEUM_MAX_LESIONS
            and ecog <= PERITONEUM_MAX_ECOG
        ):
            return "resectable"
    return "unresectable"


def resectability(
    *,
    ehd: str,
    candidate: bool,
    technically_unresectable: bool,
    flr_sufficient: bool | None,
    r0_feasible: bool | None,
    extensive: bool,
) -> str:
    """SPEC section 3, first matching line."""
    if ehd == "unresectable" or not candidate:
        return "unresectable"
    if (
        technically_unresectable
        or flr_sufficient is False
        or (r0_feasible is None and extensive)  # [choice] extensive disease is not presumed
    ):
        return "potentially_resectable"
    return "resectable"
