"""Case builders for the crlm-2027.1 rule tests: the baseline of the crlm-2026.1 tests with the
new fields present, changed by dotted path, and evaluated with crlm-2027.1.

The baseline is a fit patient with one small metachronous lesion (planned minor resection),
every fact known and all work-up done: plan 4.3 with HEPATECTOMY and ADJUVANT_CHEMOTHERAPY, no
warning and no work-up item, so a test sees only what its rule adds.
"""

from __future__ import annotations

import copy
from typing import Any

from apps.pathways import registry
from apps.pathways.facts import parse_facts
from apps.pathways.result import PathwayResult, result_to_dict
from tests.pathways.crlm_2026_1.builders import BASELINE as BASELINE_2026_1
from tests.pathways.crlm_2026_1.builders import (
    NOT_A_CANDIDATE,
    SYNCHRONOUS,
    _steps,
    lesion,
    lesions,
    roles,
    site,
    warning_codes,
    workup_codes,
)

VERSION = "crlm-2027.1"
BASELINE: dict[str, Any] = copy.deepcopy(BASELINE_2026_1)
BASELINE["liver"]["planned_resection"] = "minor"
BASELINE["treatment"].update(
    bevacizumab_in_course=False, adjuvant_oxaliplatin=False, prior_immunotherapy=False
)
# A course of chemotherapy given (so lesions may have disappeared and immunotherapy been given).
TREATED = {"treatment.preoperative_cycles": 4, "treatment.latest_response": "partial"}

__all__ = [
    "BASELINE",
    "NOT_A_CANDIDATE",
    "SYNCHRONOUS",
    "TREATED",
    "case",
    "lesion",
    "lesions",
    "roles",
    "run",
    "site",
    "warning_codes",
    "workup_codes",
    "written",
]


def case(**overrides: Any) -> dict[str, Any]:
    """A deep copy of the baseline with each dotted path set (the path must exist)."""
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
    """Evaluate `case(**overrides)` with crlm-2027.1, checking that the input is valid."""
    return registry.evaluate(parse_facts(case(**overrides), VERSION), VERSION)


def written(result: PathwayResult) -> dict[str, Any]:
    return result_to_dict(result)
