"""Panels that apps above `meetings` add to the meeting page.

The meetings app knows nothing of them: an app higher in the dependency order registers, at
start-up (its AppConfig.ready), a function that renders its panel for a meeting and a request
(the printable summary does). The meeting page shows each panel below its own, in the order
they were registered.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from ..models import Meeting

MeetingPanel = Callable[[HttpRequest, Meeting], SafeString]

_panels: list[MeetingPanel] = []


def register_meeting_panel(panel: MeetingPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def meeting_panels(request: HttpRequest, meeting: Meeting) -> list[SafeString]:
    """Every registered panel rendered for the meeting, as HTML."""
    return [panel(request, meeting) for panel in _panels]
