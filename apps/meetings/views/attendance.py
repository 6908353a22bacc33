"""The meeting page's attendance panel (coordinators): record a colleague or a guest as present,
or take them off. Each change sends the HX-Trigger event the quorum badge listens for."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import user_hospital

from ..forms import AttendanceForm, GuestAttendanceForm, add_service_errors
from ..models import Meeting
from ..selectors import attendance_list
from ..services.attendance import attendance_add, attendance_remove
from .common import meeting_or_404, render_page, require_role
from .meetings import DETAIL, QUORUM_CHANGED, attendance_context, detail_context, present_users


def _answer(
    request: HttpRequest,
    meeting_id: Any,
    *,
    form: AttendanceForm | None = None,
    guest_form: GuestAttendanceForm | None = None,
    error: ApplicationError | None = None,
    status: int = 200,
) -> HttpResponse:
    # Read again: the meeting's prefetched attendance predates the change.
    meeting = meeting_or_404(request, meeting_id)
    parts = {"form": form, "guest_form": guest_form, "error": error}
    if not request.htmx:
        if status < 400:
            url = reverse("meetings:meeting-detail", kwargs={"meeting_id": meeting.pk})
            return redirect(f"{url}#attendance")
        context = detail_context(request, meeting, attendance=parts)
        return render_page(request, DETAIL, None, context, status=status)
    context = attendance_context(request, meeting, **parts)
    trigger = QUORUM_CHANGED if status < 400 else None
    return render_page(request, DETAIL, "attendance", context, status=status, trigger=trigger)


@login_required
@require_POST
def attendance_add_page(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    require_role(request, Role.COORDINATOR)
    meeting: Meeting = meeting_or_404(request, meeting_id)
    # Two forms post here: a colleague's (`user`) and a guest's (`name`); each has its own
    # fields, so a guest is never refused for a colleague chosen in the other form.
    form: Any
    if "name" in request.POST:
        form = GuestAttendanceForm(request.POST)
        answer = {"guest_form": form}
    else:
        form = AttendanceForm(
            request.POST, hospital=user_hospital(request.user), present=present_users(meeting)
        )
        answer = {"form": form}
    if not form.is_valid():
        return _answer(request, meeting.pk, status=400, **answer)
    try:
        attendance_add(meeting=meeting, actor=request.user, **form.cleaned_data)
    except ApplicationError as error:
        add_service_errors(form, error)
        return _answer(request, meeting.pk, status=error.status, **answer)
    return _answer(request, meeting.pk)


@login_required
@require_POST
def attendance_remove_page(
    request: HttpRequest, meeting_id: Any, attendance_id: Any
) -> HttpResponse:
    require_role(request, Role.COORDINATOR)
    meeting = meeting_or_404(request, meeting_id)
    attendance = attendance_list(meeting=meeting).filter(pk=attendance_id).first()
    if attendance is None:
        raise Http404("Not found.")
    try:
        attendance_remove(attendance=attendance, actor=request.user)
    except ApplicationError as error:
        return _answer(request, meeting.pk, error=error, status=error.status)
    return _answer(request, meeting.pk)
