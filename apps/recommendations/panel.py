"""The recommendation panel of a stored snapshot, rendered once per process.

A snapshot is never changed (`RecommendationSnapshot`), and its panel is made from the snapshot
alone (`presentation.panel_context` of its result and its facts' lesions, rendered by
`recommendations/_panel.html`, which reads nothing of the request or the user). So each web
process keeps the panels it rendered, keyed by the snapshot and its `updated_at` (a row edited by
hand in the admin or the database is rendered again), and a case page opened again costs no
rendering of its panel (a good part of the page's template time).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .models import RecommendationSnapshot
from .presentation import panel_context

PANEL_TEMPLATE = "recommendations/_panel.html"
# Panels kept per process (about 15 KB each); when full the store starts again from empty, which
# needs no lock between threads and keeps the cost bounded.
KEPT_PANELS = 500

_rendered: dict[tuple[Any, ...], SafeString] = {}


def snapshot_panel_html(snapshot: RecommendationSnapshot, *, panel_id: str) -> SafeString:
    """The panel of the snapshot as `{% include PANEL_TEMPLATE with panel=... panel_id=... %}`
    renders it."""
    key = (snapshot.pk, snapshot.updated_at, panel_id)
    html = _rendered.get(key)
    if html is None:
        lesions = snapshot.facts.get("liver", {}).get("lesions", [])
        context = {"panel": panel_context(snapshot.result, lesions), "panel_id": panel_id}
        html = render_to_string(PANEL_TEMPLATE, context)  # a SafeString, escaped as it rendered
        if len(_rendered) >= KEPT_PANELS:
            _rendered.clear()
        _rendered[key] = html
    return html
