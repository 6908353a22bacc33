"""The meeting page's agenda panel (coordinators): put a case on it (or a case proposed as due for
re-discussion, in one click), move a case up or down, take it off, or move it undiscussed to a
later meeting; and (coordinators and clinicians) postpone a case with its reason, or withdraw
the postponement. Each answers the panel again for htmx,
or the whole page (a redirect after success) without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.ids import uuid_or_none as _uuid
from apps.core.roles import user_hospital

from ..forms import AgendaAddForm, AgendaMoveForm, PostponeForm, add_service_errors
from ..models import AgendaItem, Meeting
from ..selectors import agenda_list
from ..selectors.rediscussion import cases_due_for_rediscussion
from ..services import agenda_item_add, agenda_item_remove, agenda_reorder
from ..services.agenda_moves import (
    agenda_item_move,
    agenda_item_postpone,
    agenda_item_postpone_withdraw,
)
from .common import item_or_404, meeting_or_404, render_page, require_role
from .meetings import (
    AGENDA_CHANGED,
    DETAIL,
    agenda_context,
    awaiting_cases,
    detail_context,
    later_meetings,
)


def _answer(
    request: HttpRequest,
    meeting: Meeting,
    *,
    add_form: AgendaAddForm | None = None,
    error: ApplicationError | None = None,
    status: int = 200,
    added: AgendaItem | None = None,
) -> HttpResponse:
    if not request.htmx:
        if status < 400:
            # A case added not ready: the page after the redirect says what is missing.
            query = f"?added={added.pk}" if added is not None and added.added_not_ready else ""
            return redirect(f"{meeting_url(meeting)}{query}#agenda")
        context = detail_context(request, meeting, agenda={"add_form": add_form, "error": error})
        return render_page(request, DETAIL, None, context, status=status)
    context = agenda_context(
        request, meeting, add_form=add_form, error=error, added=added.pk if added else None
    )
    # The sign-off panel lists the cases it will carry over: it fetches itself again.
    trigger = AGENDA_CHANGED if status < 400 else None
    return render_page(request, DETAIL, "agenda", context, status=status, trigger=trigger)


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting-detail", kwargs={"meeting_id": meeting.pk})


@login_required
@require_POST
def agenda_add(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    require_role(request, Role.COORDINATOR)
    meeting = meeting_or_404(request, meeting_id)
    form = AgendaAddForm(
        request.POST, cases=awaiting_cases(request), hospital=user_hospital(request.user)
    )
    if not form.is_valid():
        return _answer(request, meeting, add_form=form, status=400)
    try:
        item = agenda_item_add(meeting=meeting, actor=request.user, **form.cleaned_data)
    except ApplicationError as error:
        add_service_errors(form, error)
        return _answer(request, meeting, add_form=form, status=error.status)
    return _answer(request, meeting, added=item)


@login_required
@require_POST
def agenda_reorder_step(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """Move one case a place up or down: the whole new order goes to agenda_reorder."""
    require_role(request, Role.COORDINATOR)
    item = item_or_404(request, meeting_id, item_id)
    meeting = item.meeting
    order = list(agenda_list(meeting=meeting).values_list("pk", flat=True))
    index = order.index(item.pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    other = index + step
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        try:
            agenda_reorder(meeting=meeting, item_ids=order, actor=request.user)
        except ApplicationError as error:
            return _answer(request, meeting, error=error, status=error.status)
    return _answer(request, meeting)


@login_required
@require_POST
def agenda_remove(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    require_role(request, Role.COORDINATOR)
    item = item_or_404(request, meeting_id, item_id)
    try:
        agenda_item_remove(item=item, actor=request.user)
    except ApplicationError as error:
        return _answer(request, item.meeting, error=error, status=error.status)
    return _answer(request, item.meeting)


@login_required
@require_POST
def agenda_move(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """Move the case, undiscussed, to a later meeting."""
    require_role(request, Role.COORDINATOR)
    item = item_or_404(request, meeting_id, item_id)
    meeting = item.meeting
    form = AgendaMoveForm(request.POST, meetings=later_meetings(request, meeting))
    if not form.is_valid():
        messages = [message for field in form.errors.values() for message in field]
        error = ApplicationError(
            "Choose a later meeting to move the case to.", errors={"meeting": messages}
        )
        return _answer(request, meeting, error=error, status=400)
    try:
        agenda_item_move(item=item, to_meeting=form.cleaned_data["meeting"], actor=request.user)
    except ApplicationError as error:
        return _answer(request, meeting, error=error, status=error.status)
    return _answer(request, meeting)


@login_required
@require_POST
def agenda_postpone(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """Postpone the case with its reason: the sign-off carries it to the next meeting."""
    require_role(request, Role.COORDINATOR, Role.CLINICIAN)
    item = item_or_404(request, meeting_id, item_id)
    form = PostponeForm(request.POST, item_id=item.pk)
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
        error = ApplicationError("Choose why the case is postponed.", errors=errors)
        return _answer(request, item.meeting, error=error, status=400)
    try:
        agenda_item_postpone(
            item=item,
            reason=form.cleaned_data["reason"],
            reason_detail=form.cleaned_data["reason_detail"],
            actor=request.user,
        )
    except ApplicationError as error:
        return _answer(request, item.meeting, error=error, status=error.status)
    return _answer(request, item.meeting)


@login_required
@require_POST
def agenda_postpone_withdraw(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """The case is discussed here after all."""
    require_role(request, Role.COORDINATOR, Role.CLINICIAN)
    item = item_or_404(request, meeting_id, item_id)
    try:
        agenda_item_postpone_withdraw(item=item, actor=request.user)
    except ApplicationError as error:
        return _answer(request, item.meeting, error=error, status=error.status)
    return _answer(request, item.meeting)


@login_required
@require_POST
def agenda_add_proposed(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """Put a case due for re-discussion on the agenda in one click, its question the reason the
    board asked for it back."""
    require_role(request, Role.COORDINATOR)
    meeting = meeting_or_404(request, meeting_id)
    due = cases_due_for_rediscussion(
        hospital=user_hospital(request.user),
        on_or_before=timezone.localdate(meeting.scheduled_for),
    ).filter(agenda_item__case_id=_uuid(request.POST.get("case")))
    request_ = due.first()
    if request_ is None:
        error = ApplicationError(
            "That case is not due for re-discussion by this meeting.",
            errors={"case": ["Choose one of the proposed cases."]},
        )
        return _answer(request, meeting, error=error, status=400)
    try:
        agenda_item_add(
            meeting=meeting,
            case=request_.agenda_item.case,
            actor=request.user,
            question=f"Re-discussion: {request_.rediscuss_reason}",
        )
    except ApplicationError as error:
        return _answer(request, meeting, error=error, status=error.status)
    return _answer(request, meeting)
