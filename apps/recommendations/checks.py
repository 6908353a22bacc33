"""A check `migrate` runs (and `manage.py check --database default`): the open cases whose
recorded facts the current pathway version refuses, listed for the coordinators to correct.
Nothing is changed for them; their recommendation says why it cannot be computed until then.

Case ids and hospital codes only: no name or MRN goes to a console or a deployment log."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError

from apps.pathways.registry import CURRENT_VERSION

LISTED = 20


@checks.register(checks.Tags.database)
def facts_the_pathway_refuses(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from .selectors import cases_refused_by_current_pathway

    try:
        cases = list(
            cases_refused_by_current_pathway().values_list("id", "patient__hospital__code")
        )
    except DatabaseError:  # tables not created yet (a first migrate): nothing to list
        return []
    if not cases:
        return []
    listed = ", ".join(f"{case_id} ({hospital})" for case_id, hospital in cases[:LISTED])
    more = f" and {len(cases) - LISTED} more" if len(cases) > LISTED else ""
    return [
        checks.Warning(
            f"{len(cases)} open {'case records' if len(cases) == 1 else 'cases record'} a lesion "
            "that disappeared without any "
            f"chemotherapy, which pathway {CURRENT_VERSION} refuses: {listed}{more}.",
            hint="Coordinators see them on the pathway page (/pathway/) with what to correct; "
            "their facts were not changed.",
            id="recommendations.W001",
        )
    ]
