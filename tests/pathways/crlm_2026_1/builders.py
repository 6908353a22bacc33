"""Case builders for the pathway tests: a valid SPEC input from a baseline, changed by path.

The baseline is the simplest case the pathway can meet: a fit patient with one small
metachronous lesion, every fact known and all work-up done. It goes to plan 4.3 with
HEPATECTOMY and ADJUVANT_CHEMOTHERAPY and raises no warning and no work-up item, so a rule
test changes only the facts its rule reads and sees only what that rule adds.

    case(**{"patient.ecog": 3, "liver.lesions": [lesion(6, 32), lesion(2, 18)]})
    case(**SYNCHRONOUS, **{"primary.in_situ": True})
"""

from __future__ import annotations

import copy
import re
from typing import Any

from apps.pathways.result import PathwayResult
from tests.pathways.crlm_2026_1.version import evaluate, parse_facts

BASELINE: dict[str, Any] = {
    "patient": {"age": 60, "ecog": 0, "surgical_fitness": None, "declines_surgery": False},
    "primary": {"site": "left_colon", "in_situ": False, "symptoms": [], "node_positive": False},
    "presentation": {
        "timing": "metachronous",
        "disease_free_interval_months": 30,
        "prior_hepatectomy": False,
    },
    "biomarkers": {"ras": "wild_type", "braf_v600e": "absent", "msi": "mss", "cea_ng_ml": 10},
    "liver": {
        "lesions": [
            {
                "segment": 6,
                "size_mm": 32,
                "near_major_vessel": False,
                "peribiliary": False,
                "subcapsular_or_dome": False,
                "disappeared": False,
            }
        ],
        "hepatic_veins_involved": 0,
        "both_portal_pedicles_involved": False,
        "flr_percent": 65,
        "parenchyma": "normal",
        "r0_feasible": True,
    },
    "extrahepatic": {"sites": []},
    "treatment": {
        "prior_systemic_lines": 0,
        "preoperative_cycles": 0,
        "latest_response": None,
        "chemo_refractory": False,
    },
    "workup": {
        "mri_hepatospecific_done": True,
        "pet_ct_done": True,
        "colonoscopy_within_6_months": True,
    },
}

# Overrides that come as a pair because of a consistency rule of SPEC section 1.
SYNCHRONOUS = {
    "presentation.timing": "synchronous",
    "presentation.disease_free_interval_months": None,
}
NOT_A_CANDIDATE = {"patient.surgical_fitness": "unfit"}

LESION_FLAGS = ("near_major_vessel", "peribiliary", "subcapsular_or_dome", "disappeared")

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _STEP.findall(path)]


def lesion(segment: int, size_mm: float, **flags: bool) -> dict[str, Any]:
    """One lesion object with every flag present (false unless given), so that a path such as
    `liver.lesions[1].disappeared` can be set on it."""
    defaults = dict.fromkeys(LESION_FLAGS, False)
    unknown = set(flags) - set(defaults)
    assert not unknown, f"not a lesion flag: {unknown}"
    return {"segment": segment, "size_mm": size_mm, **defaults, **flags}


def lesions(*segments: int, size_mm: float = 25, **flags: bool) -> list[dict[str, Any]]:
    """One lesion of `size_mm` in each of `segments`, in that order."""
    return [lesion(segment, size_mm, **flags) for segment in segments]


def site(name: str, resectable: bool = True) -> dict[str, Any]:
    return {"site": name, "resectable": resectable}


def case(**overrides: Any) -> dict[str, Any]:
    """A deep copy of the baseline with each dotted path (`liver.lesions[0].size_mm` too) set.

    A path must already exist in the baseline (a lesion index must exist in the list as set so
    far), so that a typo fails loudly instead of testing nothing.
    """
    data = copy.deepcopy(BASELINE)
    for path, value in overrides.items():
        *parents, last = _steps(path)
        target: Any = data
        for step in parents:
            target = target[step]
        if isinstance(last, int):
            assert last < len(target), f"{path}: no such entry"
        else:
            assert last in target, f"{path}: not a field of the baseline"
        target[last] = copy.deepcopy(value)
    return data


def run(**overrides: Any) -> PathwayResult:
    """Evaluate `case(**overrides)`, checking on the way that the input is valid."""
    return evaluate(parse_facts(case(**overrides)))


def roles(result: PathwayResult) -> dict[str, str]:
    """The recommendations as code -> role."""
    return {item.code: item.role for item in result.recommendations}


def warning_codes(result: PathwayResult) -> set[str]:
    return {item.code for item in result.warnings}


def workup_codes(result: PathwayResult) -> set[str]:
    return {item.code for item in result.workup}
