"""Every code of pathway `crlm-2026.1` with its title and its citations (SPEC section 8): the
shared entries, and the two this version cites its own way."""

from __future__ import annotations

from apps.pathways.common.catalogue import (
    H_RESULTS,
    R_PROGNOSTIC,
    RECOMMENDATION,
    S_SIRT,
    SHARED_ENTRIES,
    WARNING,
    WORKUP,
    C,
    CodeEntry,
    catalogue,
    entry,
)

VERSION = "crlm-2026.1"
TITLE = "Colorectal cancer liver metastases"

_ENTRIES = (
    *SHARED_ENTRIES,
    entry(
        "CHANGE_SYSTEMIC_LINE",
        RECOMMENDATION,
        "Change to another line of systemic therapy",
        R_PROGNOSTIC,
        H_RESULTS,
    ),
    entry(
        "BEST_SUPPORTIVE_CARE",
        RECOMMENDATION,
        "Best supportive care",
        (C, "Conclusions"),
        S_SIRT,
    ),
)

CATALOGUE: dict[str, CodeEntry] = catalogue(_ENTRIES)

# Output order of warnings and work-up: the SPEC's order (sections 5 and 6).
WARNING_ORDER = tuple(item.code for item in _ENTRIES if item.kind == WARNING)
WORKUP_ORDER = tuple(item.code for item in _ENTRIES if item.kind == WORKUP)
