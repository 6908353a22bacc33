"""Every code of pathway `crlm-2027.1` with its title and its citations (SPEC section 8): the
shared entries, the two this version cites anew, and the codes it adds; and the fixed severity
of each warning (SPEC section 5)."""

from __future__ import annotations

from apps.pathways.common.catalogue import (
    H_DISCUSSION,
    H_RESULTS,
    H_SELECTION,
    R_PROCEDURES,
    R_PROGNOSTIC,
    RECOMMENDATION,
    S_CHEMO,
    S_RESECTION,
    S_RFA,
    SHARED_ENTRIES,
    WARNING,
    WORKUP,
    C,
    CodeEntry,
    R,
    S,
    T,
    catalogue,
    entry,
)

VERSION = "crlm-2027.1"
TITLE = "Colorectal cancer liver metastases"

S_HAI = (S, "Hepatic Arterial Infusional Chemotherapy")
T_SURGERY = (T, "SURGERY")

_OWN_ENTRIES = (
    # --- titled anew: after an early relapse on adjuvant oxaliplatin it is irinotecan-based ---
    entry(
        "PERIOPERATIVE_CHEMOTHERAPY",
        RECOMMENDATION,
        "Perioperative chemotherapy without a biologic",
        S_CHEMO,
    ),
    # --- cited anew ---
    entry(
        "CHANGE_SYSTEMIC_LINE",
        RECOMMENDATION,
        "Change to another line of systemic therapy",
        R_PROGNOSTIC,
        S_CHEMO,
    ),
    entry(
        "BEST_SUPPORTIVE_CARE",
        RECOMMENDATION,
        "Best supportive care",
        (C, "Conclusions"),
        (C, "Radiation-Based Therapies"),
    ),
    # --- new recommendations ---
    entry(
        "RESECTION_WITH_ABLATION",
        RECOMMENDATION,
        "Ablation of the remnant side, then resection of the other (staged)",
        S_RFA,
        (R, "ABLATIVE TREATMENT"),
        (C, "Two-Stage Hepatectomy"),
    ),
    entry(
        "ENCORAFENIB_CETUXIMAB",
        RECOMMENDATION,
        "Encorafenib with cetuximab (BRAF V600E)",
        S_CHEMO,
    ),
    entry(
        "DOUBLET_CHEMOTHERAPY",
        RECOMMENDATION,
        "Doublet chemotherapy without a biologic",
        S_CHEMO,
        H_DISCUSSION,
    ),
    # --- new warnings ---
    entry(
        "RESECTION_EXTENT_ASSUMED",
        WARNING,
        "Extent of the hepatectomy assumed, not yet planned by the surgeon",
        R_PROCEDURES,
        S_RESECTION,
    ),
    entry(
        "HAI_TOXICITY",
        WARNING,
        "Toxicity of hepatic arterial infusion",
        H_RESULTS,
        H_DISCUSSION,
        S_HAI,
    ),
    entry(
        "CAUDATE_LESION", WARNING, "Lesion in the caudate lobe (segment 1)", R_PROCEDURES, T_SURGERY
    ),
    entry(
        "BEVACIZUMAB_INTERVAL",
        WARNING,
        "Interval between bevacizumab and surgery",
        S_CHEMO,
    ),
    entry(
        "OXALIPLATIN_EARLY_RELAPSE",
        WARNING,
        "Relapse within a year of adjuvant oxaliplatin",
        S_CHEMO,
        R_PROGNOSTIC,
    ),
    # --- new work-up ---
    entry(
        "INTRAOPERATIVE_ULTRASOUND",
        WORKUP,
        "Intraoperative ultrasound",
        (C, "Work Up"),
        (C, "Disappearing Metastasis"),
        T_SURGERY,
    ),
    entry(
        "CT_ANGIOGRAPHY_HEPATIC_ARTERY",
        WORKUP,
        "CT angiography of the hepatic arteries",
        H_SELECTION,
        S_HAI,
    ),
)

# The shared entries, each replaced where this version has its own, then the new codes.
_OWN = {item.code: item for item in _OWN_ENTRIES}
_SHARED_CODES = {item.code for item in SHARED_ENTRIES}
_ENTRIES = (
    *(_OWN.get(item.code, item) for item in SHARED_ENTRIES),
    *(item for item in _OWN_ENTRIES if item.code not in _SHARED_CODES),
)
CATALOGUE: dict[str, CodeEntry] = catalogue(_ENTRIES)

CAUTION = "caution"
INFO = "info"
# SPEC section 5: `caution` for a risk or a gap the board must weigh before deciding, `info` for
# context that does not by itself change the plan. [choice] of the pathway, per code.
SEVERITY: dict[str, str] = {
    "PROGRESSION_ON_CHEMOTHERAPY": CAUTION,
    "R0_NOT_ASSESSED": CAUTION,
    "FLR_NOT_MEASURED": CAUTION,
    "FLR_BORDERLINE": CAUTION,
    "FONG_INCOMPLETE": INFO,
    "TWO_STAGE_DROPOUT_RISK": CAUTION,
    "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY": CAUTION,
    "NO_UPFRONT_PRIMARY_RESECTION": CAUTION,
    "NO_REGIONAL_LIVER_THERAPY_WITH_EHD": CAUTION,
    "SIRT_NOT_FIRST_LINE": INFO,
    "NO_ANTI_EGFR_RIGHT_SIDED": INFO,
    "NO_CETUXIMAB_PERIOPERATIVE": INFO,
    "ANTI_EGFR_NEEDS_RAS_BRAF": INFO,
    "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY": CAUTION,
    "CHEMOTHERAPY_LIVER_INJURY": CAUTION,
    "RAS_MUTANT_MARGIN": INFO,
    "DISAPPEARING_METASTASES": CAUTION,
    "DOME_LESION_APPROACH": INFO,
    "RESECTION_EXTENT_ASSUMED": CAUTION,
    "HAI_TOXICITY": CAUTION,
    "CAUDATE_LESION": CAUTION,
    "BEVACIZUMAB_INTERVAL": CAUTION,
    "OXALIPLATIN_EARLY_RELAPSE": CAUTION,
}
# Every warning has one, and nothing else does.
assert set(SEVERITY) == {code for code, item in CATALOGUE.items() if item.kind == WARNING}
