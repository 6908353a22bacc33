"""Derived values of pathway `crlm-2027.1` (SPEC sections 2 to 4): pure functions of the facts.

The values every version defines alike are in `apps.pathways.common.derived`; this module adds
what this version defines its own way: the expected extent of the hepatectomy (the surgeon's
plan, else a guess), the visible lesions, `favourable` and readiness for surgery (null for a
patient who is not a surgical candidate), and the definitions of section 4 (few small lesions,
immunotherapy eligibility, an early relapse after adjuvant oxaliplatin, the ablatable
hemiliver).
"""

from __future__ import annotations

from apps.pathways.common.derived import (
    FONG_DFI_MONTHS,
    FONG_LARGEST_MM,
    FONG_LOW_MAX,
    LEFT_LIVER_SEGMENTS,
    MWA_FIRST_MAX_MM,
    RIGHT_LIVER_SEGMENTS,
)
from apps.pathways.facts import CaseFacts, LesionFacts
from apps.pathways.result import FongScore

# [choice] a major hepatectomy is the usual three or more segments; a large or juxta-venous
# lesion usually needs one.
MAJOR_HEPATECTOMY_SEGMENTS = 3
MAJOR_HEPATECTOMY_LARGEST_MM = FONG_LARGEST_MM
READY_AFTER_CYCLES = 4  # [choice] the two-month re-evaluation, without progression
FEW_LESIONS_MAX = 3  # [choice] the COLLISION trial's limits: up to 3 lesions of 30 mm or less
SMALL_LESION_MAX_MM = MWA_FIRST_MAX_MM
EARLY_RELAPSE_MONTHS = FONG_DFI_MONTHS  # [choice] ESMO 2023: within a year of adjuvant oxaliplatin
GERIATRIC_ASSESSMENT_AFTER_AGE = 75


def major_hepatectomy_expected(
    planned_resection: str | None,
    segments: tuple[int, ...],
    largest_mm: float,
    hepatic_veins_involved: int,
) -> bool:
    """The surgeon's plan when there is one; else three or more segments, a lesion over 50 mm
    or an involved hepatic vein [choice]."""
    if planned_resection is not None:
        return planned_resection == "major"
    return (
        len(segments) >= MAJOR_HEPATECTOMY_SEGMENTS
        or largest_mm > MAJOR_HEPATECTOMY_LARGEST_MM
        or hepatic_veins_involved >= 1
    )


def visible_lesions(lesions: tuple[LesionFacts, ...]) -> tuple[LesionFacts, ...]:
    """The lesions still seen (a disappeared one has no target left)."""
    return tuple(lesion for lesion in lesions if not lesion.disappeared)


def favourable(
    *, candidate: bool, fong: FongScore, timing: str, dfi_months: float | None, ehd: str
) -> bool | None:
    """Null for a patient who is not a surgical candidate (no surgical plan to time); else low
    risk even in the worst case, metachronous after 12 months or more, liver only."""
    if not candidate:
        return None
    return (
        fong.worst_case <= FONG_LOW_MAX
        and timing == "metachronous"
        and dfi_months is not None
        and dfi_months >= FONG_DFI_MONTHS
        and ehd == "none"
    )


def ready_for_surgery(
    facts: CaseFacts, *, candidate: bool, is_favourable: bool | None
) -> bool | None:
    """Null for a patient who is not a surgical candidate; else favourable, chemo-refractory, or
    4 cycles or more without progression, an unknown response included [choice] (operate after
    restaging shows no progression)."""
    if not candidate:
        return None
    treatment = facts.treatment
    return bool(
        is_favourable
        or treatment.chemo_refractory
        or (
            treatment.preoperative_cycles >= READY_AFTER_CYCLES
            and treatment.latest_response != "progressive"
        )
    )


def few_small_lesions(
    lesions: tuple[LesionFacts, ...], visible: tuple[LesionFacts, ...] | None = None
) -> bool:
    """3 lesions or fewer (disappeared ones included), at least one visible, and every visible
    one 30 mm or less: a disappeared lesion counts as a site to treat but has no size.
    `visible` saves computing the visible lesions again."""
    if visible is None:
        visible = visible_lesions(lesions)
    return (
        len(lesions) <= FEW_LESIONS_MAX
        and len(visible) >= 1
        and all(lesion.size_mm <= SMALL_LESION_MAX_MM for lesion in visible)
    )


def immunotherapy_eligible(facts: CaseFacts) -> bool:
    """MSI-high and no immune checkpoint inhibitor given yet."""
    return facts.biomarkers.msi == "msi_high" and not facts.treatment.prior_immunotherapy


def early_oxaliplatin_relapse(facts: CaseFacts, dfi_months: float | None) -> bool:
    """Liver metastases within 12 months of adjuvant oxaliplatin: no oxaliplatin again."""
    return (
        facts.treatment.adjuvant_oxaliplatin
        and dfi_months is not None
        and dfi_months < EARLY_RELAPSE_MONTHS
    )


def hemiliver_lesions(lesions: tuple[LesionFacts, ...], side: frozenset[int]) -> list[int]:
    """Indexes (input order) of the lesions in one hemiliver."""
    return [index for index, lesion in enumerate(lesions) if lesion.segment in side]


def ablatable_hemilivers(lesions: tuple[LesionFacts, ...]) -> dict[str, list[int]]:
    """Each hemiliver ("left", "right") whose lesions may be ablated while the other side is
    resected, with its lesions' indexes: 1 to 3 lesions, none disappeared (a disappeared site
    cannot be targeted, so it is resected), each 30 mm or less. Segment 1 belongs to neither."""
    found = {}
    for name, side in (("left", LEFT_LIVER_SEGMENTS), ("right", RIGHT_LIVER_SEGMENTS)):
        indexes = hemiliver_lesions(lesions, side)
        if 1 <= len(indexes) <= FEW_LESIONS_MAX and all(
            not lesions[index].disappeared and lesions[index].size_mm <= SMALL_LESION_MAX_MM
            for index in indexes
        ):
            found[name] = indexes
    return found
