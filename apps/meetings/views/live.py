"""The live state of a meeting, which its open pages poll (static/js/live.js) to update their
panels within a second or two without a reload: votes, the reveal, attendance and quorum,
decisions, the case on screen.

Polling with entity tags: the answer carries an ETag and `Cache-Control: no-cache`, so the
browser asks again each time with If-None-Match and an unchanged meeting answers 304 with no
body. Chosen over server-sent events because the deployment runs gunicorn's sync workers, where
each open event stream would hold a worker for as long as the page is open; a poll holds one
for a couple of milliseconds. Without JavaScript nothing polls: the pages are current on reload.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from ..models import Meeting
from ..selectors import meeting_list
from ..selectors.live import live_etag, meeting_live_state


@login_required
@require_GET
def meeting_live(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """The meeting's live state as JSON, or 304 when the page already has it."""
    meeting = meeting_list(user=request.user).prefetch_related(None).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("Not found.")
    state = meeting_live_state(meeting=meeting)
    etag = live_etag(state)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponse(status=304)
    else:
        response = JsonResponse(_with_addresses(meeting, state))
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _with_addresses(meeting: Meeting, state: dict[str, Any]) -> dict[str, Any]:
    current = state["current"]
    return {
        **state,
        "current_url": reverse(
            "meetings:item-review", kwargs={"meeting_id": meeting.pk, "item_id": current}
        )
        if current
        else None,
    }
