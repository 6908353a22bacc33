"""Derived values of pathway `crlm-2026.1` (SPEC sections 2 and 3): pure functions of the facts.

The values every version defines alike are in `apps.pathways.common.derived` and re-exported
here; this module adds this version's own: the expected extent of the hepatectomy (from the
segments alone), `favourable` and readiness for surgery.
"""

from __future__ import annotations

from apps.pathways.common.derived import (
    ABLATABLE_MAX_MM,
    ALL_SEGMENTS,
    EHD_RESECTABLE_SITES,
    EXTENSIVE_LESION_COUNT,
    EXTENSIVE_SEGMENTS,
    FLR_GREY_ZONE_TOP,
    FLR_REQUIRED_CIRRHOSIS,
    FLR_REQUIRED_INJURED,
    FLR_REQUIRED_NORMAL,
    FONG_CEA_NG_ML,
    FONG_CRITERIA,
    FONG_DFI_MONTHS,
    FONG_INTERMEDIATE_MAX,
    FONG_LARGEST_MM,
    FONG_LOW_MAX,
    LEFT_LIVER_SEGMENTS,
    MAIN_HEPATIC_VEINS,
    MWA_FIRST_MAX_MM,
    PERITONEUM_MAX_ECOG,
    PERITONEUM_MAX_LESIONS,
    PROLONGED_CHEMOTHERAPY_CYCLES,
    RFA_BEST_MAX_MM,
    RIGHT_LIVER_SEGMENTS,
    TRIPLET_MAX_AGE,
    TRIPLET_MAX_ECOG,
    ablation_modalities,
    disease_free_interval_months,
    ehd_class,
    extensive_liver_disease,
    flr_assessment,
    flr_borderline,
    fong_score,
    is_bilobar,
    liver_injury,
    required_flr_percent,
    resectability,
    segments_involved,
    surgical_candidate,
    technically_unresectable,
    triplet_eligible,
)
from apps.pathways.facts import CaseFacts
from apps.pathways.result import FongScore

__all__ = [
    "ABLATABLE_MAX_MM",
    "ALL_SEGMENTS",
    "EHD_RESECTABLE_SITES",
    "EXTENSIVE_LESION_COUNT",
    "EXTENSIVE_SEGMENTS",
    "FLR_GREY_ZONE_TOP",
    "FLR_REQUIRED_CIRRHOSIS",
    "FLR_REQUIRED_INJURED",
    "FLR_REQUIRED_NORMAL",
    "FONG_CEA_NG_ML",
    "FONG_CRITERIA",
    "FONG_DFI_MONTHS",
    "FONG_INTERMEDIATE_MAX",
    "FONG_LARGEST_MM",
    "FONG_LOW_MAX",
    "LEFT_LIVER_SEGMENTS",
    "MAIN_HEPATIC_VEINS",
    "MAJOR_HEPATECTOMY_SEGMENTS",
    "MWA_FIRST_MAX_MM",
    "NON_PROGRESSIVE_RESPONSES",
    "PERITONEUM_MAX_ECOG",
    "PERITONEUM_MAX_LESIONS",
    "PROLONGED_CHEMOTHERAPY_CYCLES",
    "READY_AFTER_CYCLES",
    "RFA_BEST_MAX_MM",
    "RIGHT_LIVER_SEGMENTS",
    "TRIPLET_MAX_AGE",
    "TRIPLET_MAX_ECOG",
    "ablation_modalities",
    "disease_free_interval_months",
    "ehd_class",
    "extensive_liver_disease",
    "favourable",
    "flr_assessment",
    "flr_borderline",
    "fong_score",
    "is_bilobar",
    "liver_injury",
    "major_hepatectomy_expected",
    "ready_for_surgery",
    "required_flr_percent",
    "resectability",
    "segments_involved",
    "surgical_candidate",
    "technically_unresectable",
    "triplet_eligible",
]

MAJOR_HEPATECTOMY_SEGMENTS = 3  # [choice] three or more segments holding disease
READY_AFTER_CYCLES = 4  # [choice] the two-month re-evaluation, without progression
NON_PROGRESSIVE_RESPONSES = frozenset({"complete", "partial", "stable"})


def major_hepatectomy_expected(segments: tuple[int, ...]) -> bool:
    return len(segments) >= MAJOR_HEPATECTOMY_SEGMENTS


def favourable(*, fong: FongScore, timing: str, dfi_months: float | None, ehd: str) -> bool:
    """Low risk even in the worst case, metachronous after 12 months or more, liver only."""
    return (
        fong.worst_case <= FONG_LOW_MAX
        and timing == "metachronous"
        and dfi_months is not None
        and dfi_months >= FONG_DFI_MONTHS
        and ehd == "none"
    )


def ready_for_surgery(facts: CaseFacts, *, is_favourable: bool) -> bool:
    treatment = facts.treatment
    return (
        is_favourable
        or treatment.chemo_refractory
        or (
            treatment.preoperative_cycles >= READY_AFTER_CYCLES
            and treatment.latest_response in NON_PROGRESSIVE_RESPONSES
        )
    )
