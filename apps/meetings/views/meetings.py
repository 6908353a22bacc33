"""The meeting list, scheduling a meeting, and the meeting page: its header with the quorum
badge, starting the meeting and the chair's sign-off. The agenda and attendance panels of the
page are `agenda.py` and `attendance.py`; `detail_context` builds the whole page for all three."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.choices import Role, Specialty
from apps.core.exceptions import ApplicationError
from apps.core.roles import user_hospital, user_roles
from apps.patients.choices import CaseStatus
from apps.patients.selectors import case_list

from ..choices import MeetingStatus, PostponementReason
from ..forms import (
    AgendaAddForm,
    AttendanceForm,
    GuestAttendanceForm,
    MeetingForm,
    SignOffForm,
    StartForm,
    add_service_errors,
)
from ..models import Meeting
from ..selectors import (
    agenda_list,
    attendance_list,
    current_decision,
    meeting_list,
    meeting_quorum,
    with_case_counts,
)
from ..selectors.readiness import with_readiness
from ..selectors.rediscussion import cases_due_for_rediscussion
from ..services import meeting_create, meeting_update
from ..services.meetings import meeting_start_warning
from ..services.presenting import can_drive
from ..services.sign_off import meeting_sign_off, next_meeting
from .common import meeting_or_404, render_page, require_role
from .panels import meeting_panels
from .present import duration, spent_seconds

DETAIL = "meetings/meeting_detail.html"
PAGE_SIZE = 20
# The event the quorum badge listens for (HX-Trigger) to fetch itself again.
QUORUM_CHANGED = "quorum-changed"
# The event the sign-off panel listens for to fetch itself again (its carry-over preview).
AGENDA_CHANGED = "agenda-changed"


def quorum_shown(meeting: Meeting) -> dict[str, Any]:
    """The meeting's quorum with the specialties by name, for a badge."""
    quorum = meeting_quorum(meeting=meeting)
    labels = dict(Specialty.choices)
    return {
        "quorate": quorum.quorate,
        "present": [labels[code] for code in quorum.present],
        "missing": [labels[code] for code in quorum.missing],
    }


def abilities(user: Any, meeting: Meeting) -> dict[str, bool]:
    """What the page offers the user. For showing only: each view enforces its own."""
    roles = user_roles(user)
    coordinator = Role.COORDINATOR in roles
    clinician = Role.CLINICIAN in roles
    is_open = meeting.status != MeetingStatus.CLOSED
    chair = meeting.chair_id is not None and meeting.chair_id == user.pk
    return {
        "coordinator": coordinator,
        "clinician": clinician,
        "chair": chair,
        "edit_agenda": coordinator and is_open,
        "postpone": (coordinator or clinician) and is_open,
        "edit_attendance": coordinator and is_open,
        "start": coordinator and meeting.status == MeetingStatus.SCHEDULED,
        "sign_off": meeting.chair_id == user.pk and meeting.status == MeetingStatus.IN_PROGRESS,
    }


def later_meetings(request: HttpRequest, meeting: Meeting) -> Any:
    """The meetings a case of `meeting` may move to: later, and not signed off."""
    return (
        meeting_list(user=request.user)
        .prefetch_related(None)
        .filter(scheduled_for__gt=meeting.scheduled_for)
        .exclude(status=MeetingStatus.CLOSED)
        .order_by("scheduled_for")
    )


def awaiting_cases(request: HttpRequest) -> Any:
    return case_list(user=request.user).filter(status=CaseStatus.AWAITING_DISCUSSION)


def agenda_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    add_form: AgendaAddForm | None = None,
    error: ApplicationError | None = None,
    added: Any = None,
) -> dict[str, Any]:
    items = with_readiness(agenda_list(meeting=meeting), meeting)
    now = timezone.now()
    for item in items:
        item.current_decision = current_decision(item=item)
        seconds = spent_seconds(item, meeting, now)
        item.time_spent = duration(seconds) if seconds else ""
    can = abilities(request.user, meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "can": can,
        "agenda": items,
        "agenda_error": error,
        # The case just added, when it was not ready: the page says what is missing.
        "added_not_ready": _added_not_ready(items, added or request.GET.get("added")),
        "meeting_url": reverse("meetings:meeting-detail", kwargs={"meeting_id": meeting.pk}),
    }
    if can["edit_agenda"]:
        hospital = user_hospital(request.user)
        context["add_form"] = add_form or AgendaAddForm(
            cases=awaiting_cases(request), hospital=hospital
        )
        context["move_targets"] = list(later_meetings(request, meeting))
        # Cases a decision asked back by this meeting's day: proposed for its agenda.
        context["proposed"] = list(
            cases_due_for_rediscussion(
                hospital=hospital, on_or_before=timezone.localdate(meeting.scheduled_for)
            ).filter(agenda_item__meeting__scheduled_for__lt=meeting.scheduled_for)
        )
    if can["postpone"]:
        context["postpone_reasons"] = PostponementReason.choices
    # What left (or leaves, at sign-off) this meeting undiscussed: postponed or moved on.
    context["carry_over"] = [item for item in items if item.postponement_reason or item.moved_to]
    return context


def _added_not_ready(items: list[Any], added: Any) -> Any:
    return next(
        (item for item in items if str(item.pk) == str(added) and item.added_not_ready), None
    )


def present_users(meeting: Meeting) -> list[Any]:
    """The accounts already on the meeting's attendance (not offered again)."""
    return [a.user_id for a in attendance_list(meeting=meeting) if a.user_id is not None]


def attendance_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    form: AttendanceForm | None = None,
    guest_form: GuestAttendanceForm | None = None,
    error: ApplicationError | None = None,
) -> dict[str, Any]:
    can = abilities(request.user, meeting)
    attendees = list(attendance_list(meeting=meeting))
    context: dict[str, Any] = {
        "meeting": meeting,
        "can": can,
        "attendees": attendees,
        "quorum": quorum_shown(meeting),
        "attendance_error": error,
        "meeting_url": reverse("meetings:meeting-detail", kwargs={"meeting_id": meeting.pk}),
    }
    if can["edit_attendance"]:
        present = [a.user_id for a in attendees if a.user_id is not None]
        # After a failed add, the other form starts afresh: nothing typed there is in the way.
        context["attendance_form"] = form or AttendanceForm(
            hospital=user_hospital(request.user), present=present
        )
        context["guest_form"] = guest_form or GuestAttendanceForm()
    return context


def status_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    form: SignOffForm | None = None,
    error: ApplicationError | None = None,
    start_form: StartForm | None = None,
) -> dict[str, Any]:
    can = abilities(request.user, meeting)
    context: dict[str, Any] = {}
    if can["sign_off"]:
        form = form or SignOffForm(meetings=later_meetings(request, meeting))
        context["carry_default"] = next_meeting(meeting)
    return {
        **context,
        "meeting": meeting,
        "can": can,
        "sign_off_form": form or SignOffForm(),
        "start_form": start_form or StartForm(),
        "start_warning": meeting_start_warning(meeting),
        "status_error": error,
        "meeting_url": reverse("meetings:meeting-detail", kwargs={"meeting_id": meeting.pk}),
    }


def detail_context(request: HttpRequest, meeting: Meeting, **parts: Any) -> dict[str, Any]:
    """The whole meeting page; `parts` carries a panel's bound form and error, by panel:
    agenda={...}, attendance={...}, status={...}."""
    context = {
        **agenda_context(request, meeting, **parts.get("agenda", {})),
        **attendance_context(request, meeting, **parts.get("attendance", {})),
        **status_context(request, meeting, **parts.get("status", {})),
        "panels": meeting_panels(request, meeting),
        "can_drive": can_drive(meeting, request.user),
    }
    # The cases the sign-off will carry to a later meeting (no decision, not moved yet).
    context["carry_preview"] = [
        item for item in context["agenda"] if not item.current_decision and not item.moved_to
    ]
    return context


@login_required
@require_GET
def meeting_list_page(request: HttpRequest) -> HttpResponse:
    """Upcoming (not yet signed off) meetings soonest first, or signed-off ones latest first."""
    past = request.GET.get("when") == "past"
    meetings = with_case_counts(meeting_list(user=request.user))
    if past:
        meetings = meetings.filter(status=MeetingStatus.CLOSED).order_by("-scheduled_for", "id")
    else:
        meetings = meetings.exclude(status=MeetingStatus.CLOSED).order_by("scheduled_for", "id")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    for meeting in page.object_list:
        meeting.quorum = quorum_shown(meeting)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "past": past,
            "can_schedule": Role.COORDINATOR in user_roles(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    require_role(request, Role.COORDINATOR)
    hospital = user_hospital(request.user)
    form = MeetingForm(request.POST or None, hospital=hospital)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                meeting = meeting_create(hospital=hospital, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                add_service_errors(form, error)
                status = error.status
            else:
                return redirect("meetings:meeting-detail", meeting_id=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form}, status=status)


# The panels a page fetches again when the meeting's live state says they changed.
LIVE_PANELS = {"agenda", "attendance", "status", "now"}


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """The page; for htmx with `?panel=<name>`, that panel alone (a live refresh)."""
    meeting = meeting_or_404(request, meeting_id)
    panel = request.GET.get("panel", "")
    partial = panel if request.htmx and panel in LIVE_PANELS else None
    if partial == "now":
        context = {"meeting": meeting, "item": None, "panel_url": request.path}
        return render(request, "meetings/_now_presenting.html", context)
    return render_page(request, DETAIL, partial, detail_context(request, meeting))


@login_required
@require_GET
def meeting_quorum_badge(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """The quorum badge alone: it fetches itself again when the attendance changes."""
    meeting = meeting_or_404(request, meeting_id)
    context = {"meeting": meeting, "quorum": quorum_shown(meeting)}
    return render(request, f"{DETAIL}#quorum", context)


@login_required
@require_POST
def meeting_start(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    require_role(request, Role.COORDINATOR)
    meeting = meeting_or_404(request, meeting_id)
    start_form = StartForm(request.POST)
    start_form.is_valid()
    if meeting_start_warning(meeting) and not start_form.cleaned_data.get("confirm_early"):
        # Well before its time: say so and ask again, rather than start the wrong meeting.
        start_form.add_error("confirm_early", "Tick the box to start the meeting early.")
        return _status_refused(request, meeting, None, SignOffForm(), start_form=start_form)
    try:
        meeting_update(
            meeting=meeting, data={"status": MeetingStatus.IN_PROGRESS}, actor=request.user
        )
    except ApplicationError as error:
        return _status_refused(request, meeting, error, SignOffForm())
    return _after_status_change(request, meeting)


@login_required
@require_POST
def meeting_sign_off_page(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """The chair signs the meeting off, its undiscussed cases carried to the meeting chosen (or
    the next); a refusal (not the chair, an undecided case with actions) shows the service's
    message and what it names beside the button."""
    require_role(request, Role.COORDINATOR, Role.CLINICIAN)
    meeting = meeting_or_404(request, meeting_id)
    form = SignOffForm(request.POST, meetings=later_meetings(request, meeting))
    if not form.is_valid():
        return _status_refused(request, meeting, None, form)
    try:
        meeting_sign_off(
            meeting=meeting, actor=request.user, carry_to=form.cleaned_data.get("carry_to")
        )
    except ApplicationError as error:
        return _status_refused(request, meeting, error, form)
    return _after_status_change(request, meeting)


def _status_refused(
    request: HttpRequest,
    meeting: Meeting,
    error: ApplicationError | None,
    form: SignOffForm,
    *,
    start_form: StartForm | None = None,
) -> HttpResponse:
    status = error.status if error else 400
    context = detail_context(
        request, meeting, status={"form": form, "error": error, "start_form": start_form}
    )
    if error is not None and error.errors:
        context["status_error_items"] = _undecided(context["agenda"], error)
    return render_page(request, DETAIL, "status", context, status=status)


def _undecided(agenda: list[Any], error: ApplicationError) -> list[str]:
    """The sign-off's refusal names agenda[index]; say which case that is."""
    lines = []
    for key, messages in error.errors.items():
        label = key
        if key.startswith("agenda[") and key.endswith("]") and key[7:-1].isdecimal():
            index = int(key[7:-1])
            if index < len(agenda):
                patient = agenda[index].case.patient
                label = f"{patient.family_name.upper()}, {patient.given_name} ({patient.mrn})"
        lines.extend(f"{label}: {message}" if label else message for message in messages)
    return lines


def _after_status_change(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    # The whole page changes with the status (forms open or close): load it again.
    url = reverse("meetings:meeting-detail", kwargs={"meeting_id": meeting.pk})
    if request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)
