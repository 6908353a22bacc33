"""A case across meetings: every agenda it was on and what became of it there, and putting the
case on an upcoming meeting's agenda (coordinators; the case page links here)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role, user_hospital
from apps.patients.models import MdtCase
from apps.patients.selectors import case_list

from ..choices import Agreement, MeetingStatus
from ..forms import AddToMeetingForm, add_service_errors
from ..selectors import meeting_list
from ..selectors.case_meetings import case_meetings
from ..selectors.rediscussion import case_rediscussion
from ..services import agenda_item_add
from .common import require_role


def _case(request: HttpRequest, case_id: Any) -> MdtCase:
    return get_object_or_404(case_list(user=request.user), pk=case_id)


@login_required
@require_GET
def case_history(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    items = list(case_meetings(case=case))
    for item in items:
        item.versions = list(item.decisions.all())
    rediscussion = case_rediscussion(case=case)
    return render(
        request,
        "meetings/case_history.html",
        {
            "case": case,
            "patient": case.patient,
            "items": items,
            "agreements": dict(Agreement.choices),
            "can_add": has_role(request.user, Role.COORDINATOR),
            "rediscussion": rediscussion,
            "rediscussion_due": rediscussion is not None
            and rediscussion.rediscuss_on <= timezone.localdate(),
        },
    )


def upcoming_meetings(request: HttpRequest) -> Any:
    return (
        meeting_list(user=request.user)
        .prefetch_related(None)
        .exclude(status=MeetingStatus.CLOSED)
        .order_by("scheduled_for", "id")
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_add_to_meeting(request: HttpRequest, case_id: Any) -> HttpResponse:
    """Choose an upcoming meeting, the question and the presenter; then the meeting page."""
    require_role(request, Role.COORDINATOR)
    case = _case(request, case_id)
    form = AddToMeetingForm(
        request.POST or None,
        meetings=upcoming_meetings(request),
        hospital=user_hospital(request.user),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            meeting = form.cleaned_data["meeting"]
            try:
                item = agenda_item_add(
                    meeting=meeting,
                    case=case,
                    actor=request.user,
                    question=form.cleaned_data["question"],
                    presenter=form.cleaned_data["presenter"],
                )
            except ApplicationError as error:
                add_service_errors(form, error)
                status = error.status
            else:
                url = reverse("meetings:meeting-detail", kwargs={"meeting_id": meeting.pk})
                if item.added_not_ready:  # the meeting page says what is missing
                    url = f"{url}?added={item.pk}#agenda"
                return redirect(url)
    return render(
        request,
        "meetings/case_add_to_meeting.html",
        {"case": case, "patient": case.patient, "form": form},
        status=status,
    )
