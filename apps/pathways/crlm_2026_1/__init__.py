"""Pathway `crlm-2026.1`: colorectal cancer liver metastases, from shared/pathways/SPEC.md.

`catalogue` holds every code with its citations, `derived` the derived values, `plans` the
recommendation plans of SPEC section 4, `findings` the warnings and work-up of sections 5 and 6,
and `engine` puts them together and writes the trace.
"""

from apps.pathways.crlm_2026_1.catalogue import CATALOGUE, TITLE, VERSION
from apps.pathways.crlm_2026_1.engine import evaluate

__all__ = ["CATALOGUE", "TITLE", "VERSION", "evaluate"]
