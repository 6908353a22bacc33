"""Pathway `crlm-2027.1`: colorectal cancer liver metastases, from
shared/pathways/crlm-2027.1/SPEC.md (its first section lists what changed from crlm-2026.1).

`catalogue` holds every code with its citations and each warning's severity, `derived` this
version's own derived values (the shared ones are in `apps.pathways.common`), `context` a case
with all of them, `plans` the recommendation plans of SPEC section 4, `findings` the warnings
and work-up of sections 5 and 6, and `engine` puts them together with the trace and the summary.
`INPUT` is the input this version reads (apps.pathways.facts).
"""

from apps.pathways.crlm_2027_1.catalogue import CATALOGUE, SEVERITY, TITLE, VERSION
from apps.pathways.crlm_2027_1.engine import evaluate
from apps.pathways.facts import INPUT_2027_1 as INPUT

__all__ = ["CATALOGUE", "INPUT", "SEVERITY", "TITLE", "VERSION", "evaluate"]
