"""Pathway `crlm-2026.1`: colorectal cancer liver metastases, from shared/pathways/SPEC.md.

`catalogue` holds every code with its citations, `derived` the derived values (those every
version shares are in `apps.pathways.common`), `plans` the recommendation plans of SPEC section
4, `findings` the warnings and work-up of sections 5 and 6, and `engine` puts them together and
writes the trace. `INPUT` is the input this version reads (apps.pathways.facts). Snapshots made
with it stay explainable after an upgrade, and the evaluate API still serves it on request.
"""

from apps.pathways.crlm_2026_1.catalogue import CATALOGUE, TITLE, VERSION
from apps.pathways.crlm_2026_1.engine import evaluate
from apps.pathways.facts import INPUT_2026_1 as INPUT

SEVERITY: dict[str, str] = {}  # this version's warnings carry no severity

__all__ = ["CATALOGUE", "INPUT", "SEVERITY", "TITLE", "VERSION", "evaluate"]
