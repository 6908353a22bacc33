"""The review of one agenda case: its summary and the recommendation snapshot, the liver
surgeons' votes, the board's decision (recorded on the revision it was made on; amended after
sign-off), its actions and the follow-up. Clinicians record; every role reads. Each panel is a
named partial that its own form's htmx POST answers; without JavaScript a POST redirects back
to the page, or renders it with the errors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.core.choices import Role, Specialty
from apps.core.exceptions import ApplicationError
from apps.core.roles import user_hospital, user_roles
from apps.core.words import lower_words, words
from apps.liverpanel.selectors import latest_round_view
from apps.readiness.selectors import case_readiness
from apps.recommendations.choices import StaleReason
from apps.recommendations.presentation import panel_context
from apps.recommendations.selectors import recommendation_history

from ..choices import OTHER_TREATMENT, Agreement, DepartureReason, Intent, MeetingStatus
from ..forms import (
    ActionForm,
    AmendForm,
    DecisionForm,
    FollowUpForm,
    IntentForm,
    LetterNoteForm,
    TreatmentForm,
    VoteForm,
    add_service_errors,
)
from ..models import AgendaItem
from ..selectors import attendance_list
from ..selectors.decisions import (
    action_get,
    action_list,
    decision_flags,
    decision_versions,
    follow_up_get,
)
from ..selectors.readiness import meeting_date
from ..selectors.treatment import days_to_treatment, treatment_get
from ..selectors.votes import votes_view
from ..services.decisions import (
    action_add,
    action_update,
    decision_amend,
    decision_record,
    follow_up_update,
    readiness_blocker,
    standard_of_care_blocker,
    standard_of_care_list,
)
from ..services.meetings import agenda_item_update
from ..services.treatment import treatment_record
from ..services.typing import decision_typing_put
from ..services.votes import vote_record, votes_reveal
from .case_summary import facts_lines
from .common import item_or_404, render_page, require_role

TEMPLATE = "meetings/item_review.html"
WRITERS = (Role.COORDINATOR, Role.CLINICIAN)
# Who track actions and follow-up: the writers and the nurse specialist (whom the services
# allow marking done and recording that the patient was told, only).
TRACKERS = (*WRITERS, Role.NURSE_SPECIALIST)


# --- what the page shows -------------------------------------------------------------------------


def plan_choices(snapshot: Any) -> list[tuple[str, str]]:
    """The recommendation's options for the decision form, in words: "Liver resection
    (primary recommendation)"."""
    if snapshot is None:
        return []
    return [
        (
            option["code"],
            f"{words(option['code'])} "
            f"({lower_words(option.get('role', ''), 'RecommendationRole')})",
        )
        for option in snapshot.result.get("recommendations", [])
    ]


def treatment_code_choices(decision: Any) -> list[tuple[str, str]]:
    """The treatments a record may name, in words: the signed decision's plan, then another."""
    codes = list(decision.plan_codes) if decision is not None else []
    return [*((code, words(code)) for code in codes), (OTHER_TREATMENT, "Another treatment")]


def _treatment_initial(treatment: Any) -> dict[str, Any]:
    if treatment is None:
        return {}
    return {
        "nothing_started": not treatment.started,
        "treatment_code": treatment.treatment_code,
        "treatment_other": treatment.treatment_other,
        "started_on": treatment.started_on,
        "as_decided": treatment.matches,
        "reason": treatment.reason,
        "reason_detail": treatment.reason_detail,
    }


def _decision_initial(decision: Any) -> dict[str, Any]:
    if decision is None:
        return {}
    return {
        "agreement": decision.agreement,
        "departure_reason": decision.departure_reason,
        "departure_detail": decision.departure_detail,
        "plan_codes": decision.plan_codes,
        "plan_text": decision.plan_text,
        "intent": decision.intent,
        "rediscuss_on": decision.rediscuss_on,
        "rediscuss_reason": decision.rediscuss_reason,
        "revision": decision.revision,
    }


def review_context(request: HttpRequest, item: AgendaItem, **panels: Any) -> dict[str, Any]:
    """The whole review page. `panels` carries a panel's bound form and its error, by panel:
    votes={...}, decision={...}, amend={...}, sos={...}, actions={...}, follow_up={...}."""
    user = request.user
    meeting = item.meeting
    hospital = user_hospital(user)
    roles = user_roles(user)
    clinician = Role.CLINICIAN in roles
    writer = bool(roles & set(WRITERS))
    tracker = bool(roles & set(TRACKERS))
    is_chair = meeting.chair_id == user.pk
    closed = meeting.status == MeetingStatus.CLOSED
    in_progress = meeting.status == MeetingStatus.IN_PROGRESS
    moved = item.moved_to_id is not None

    versions = decision_versions(item=item)
    current = versions[-1] if versions else None
    snapshots = list(recommendation_history(case=item.case))
    latest = snapshots[0] if snapshots else None
    snapshot = latest
    if current is not None:
        snapshot = next((s for s in snapshots if s.pk == current.recommendation_id), latest)
    panel = None
    if snapshot is not None:
        lesions = (snapshot.facts or {}).get("liver", {}).get("lesions", [])
        panel = panel_context(snapshot.result, lesions)
    titles = {code: label for code, label in plan_choices(latest) + plan_choices(snapshot)}

    votes = votes_view(item=item, user=user)
    panel_round = latest_round_view(case=item.case, user=user)
    surgeon_present = (
        clinician
        and attendance_list(meeting=meeting)
        .filter(user=user, specialty=Specialty.LIVER_SURGEON)
        .exists()
    )
    sos_blocker = standard_of_care_blocker(latest)
    # A postponed case is not decided here unless the postponement is withdrawn.
    postponed = bool(item.postponement_reason)
    if sos_blocker is None and is_chair and not closed and not moved and current is None:
        # Checked only where the listing would otherwise be offered.
        sos_blocker = readiness_blocker(case_readiness(case=item.case, on=meeting_date(meeting)))
    can = {
        "vote": surgeon_present and not closed and not moved and not votes.revealed and not current,
        "reveal": is_chair and not closed and not votes.revealed and votes.votes_recorded > 0,
        # Offered only where it can succeed; otherwise the page says why not.
        "standard_of_care": is_chair
        and not closed
        and not moved
        and not postponed
        and current is None
        and sos_blocker is None,
        "letter_note": Role.COORDINATOR in roles and not moved,
        "record": clinician
        and in_progress
        and not moved
        and not postponed
        and snapshot is not None,
        "amend": clinician and closed and not moved and current is not None,
        "add_action": writer and not closed and not moved and not postponed,
        "track_action": tracker and not moved,
        "follow_up": tracker and not moved,
        "treatment": writer
        and closed
        and not moved
        and current is not None
        and current.signed_off_at is not None,
    }
    parts = {name: panels.get(name, {}) for name in ("votes", "decision", "amend", "sos")}
    actions_part = panels.get("actions", {})
    follow_part = panels.get("follow_up", {})
    follow = follow_up_get(item=item)
    treatment = treatment_get(item=item)
    treatment_part = panels.get("treatment", {})

    siblings = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    index = siblings.index(item.pk)
    return {
        "meeting": meeting,
        "item": item,
        "case": item.case,
        "patient": item.case.patient,
        "can": can,
        "is_chair": is_chair,
        "snapshot": snapshot,
        "snapshot_stale_label": StaleReason(snapshot.stale_reason).label.lower()
        if snapshot is not None and snapshot.stale_reason
        else "",
        "newer_snapshot": latest if latest is not None and latest != snapshot else None,
        "panel": panel,
        "facts_summary": facts_lines(snapshot.facts if snapshot else None),
        "votes": votes,
        "panel_round": panel_round,
        "vote_form": parts["votes"].get("form")
        or VoteForm(
            initial={"call": votes.mine.call, "note": votes.mine.note} if votes.mine else None
        ),
        "votes_error": parts["votes"].get("error"),
        "decision": current,
        "decision_flags": decision_flags(current) if current else [],
        "versions": versions,
        "plan_titles": titles,
        "agreements": dict(Agreement.choices),
        "reasons": dict(DepartureReason.choices),
        "intents": dict(Intent.choices),
        "decision_form": parts["decision"].get("form")
        or DecisionForm(initial=_decision_initial(current), plan_choices=plan_choices(snapshot)),
        "decision_error": parts["decision"].get("error"),
        "decision_conflict": parts["decision"].get("conflict", False),
        "decision_saved": parts["decision"].get("saved", False),
        "amend_form": parts["amend"].get("form")
        or AmendForm(
            initial={**_decision_initial(current), "amendment_reason": ""},
            plan_choices=plan_choices(latest),
        ),
        "amend_error": parts["amend"].get("error"),
        "sos_form": parts["sos"].get("form") or IntentForm(initial={"intent": Intent.CURATIVE}),
        "sos_error": parts["sos"].get("error"),
        "sos_blocker": sos_blocker
        if is_chair and not closed and not moved and not current
        else None,
        "letter_form": panels.get("letter", {}).get("form")
        or LetterNoteForm(initial={"letter_note": item.letter_note}),
        "letter_error": panels.get("letter", {}).get("error"),
        "letter_saved": panels.get("letter", {}).get("saved", False),
        "actions": list(action_list(item=item)),
        "action_form": actions_part.get("form")
        or ActionForm(hospital=hospital, meeting_day=timezone.localdate(meeting.scheduled_for)),
        "actions_error": actions_part.get("error"),
        "follow_up": follow,
        "follow_up_form": follow_part.get("form")
        or FollowUpForm(
            hospital=hospital,
            initial={
                "patient_informer": getattr(follow.patient_informer, "username", None),
                "inform_patient_by": follow.inform_patient_by,
                "patient_informed": follow.patient_informed_at is not None,
                "referrer_informed": follow.referrer_informed_at is not None,
            },
        ),
        "follow_up_error": follow_part.get("error"),
        "follow_up_saved": follow_part.get("saved", False),
        "nurse_only": bool(roles) and not (roles & set(WRITERS)) and tracker,
        "treatment": treatment,
        "treatment_days": days_to_treatment(treatment) if treatment else None,
        "treatment_form": treatment_part.get("form")
        or TreatmentForm(
            initial=_treatment_initial(treatment), code_choices=treatment_code_choices(current)
        ),
        "treatment_error": treatment_part.get("error"),
        "treatment_saved": treatment_part.get("saved", False),
        "previous_id": siblings[index - 1] if index > 0 else None,
        "next_id": siblings[index + 1] if index + 1 < len(siblings) else None,
        "position_label": f"Case {index + 1} of {len(siblings)}",
        "meeting_day": timezone.localdate(meeting.scheduled_for),
        # Where the live regions fetch themselves again (not the address of a POST answered).
        "review_url": reverse(
            "meetings:item-review", kwargs={"meeting_id": meeting.pk, "item_id": item.pk}
        ),
    }


def _answer(
    request: HttpRequest,
    item: AgendaItem,
    partial: str,
    *,
    status: int = 200,
    **panels: Any,
) -> HttpResponse:
    """The panel again for htmx; without JavaScript a redirect back to the page after success,
    or the whole page with the errors."""
    if not request.htmx and status < 400:
        url = reverse(
            "meetings:item-review", kwargs={"meeting_id": item.meeting_id, "item_id": item.pk}
        )
        return redirect(f"{url}#{partial.replace('_', '-')}")
    # Read again: the write changed what the panel shows.
    item = item_or_404(request, item.meeting_id, item.pk)
    context = review_context(request, item, **panels)
    return render_page(request, TEMPLATE, partial, context, status=status)


# --- pages and panels ----------------------------------------------------------------------------


# The panels a page fetches again when the meeting's live state says they changed.
LIVE_PANELS = {
    "votes",
    "decision",
    "decision_current",
    "actions",
    "follow_up",
    "treatment",
    "letter",
    "now",
}
NOW_PRESENTING = "meetings/_now_presenting.html"


@login_required
@require_GET
def item_review(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """The page; for htmx with `?panel=<name>`, that panel alone (a live refresh)."""
    item = item_or_404(request, meeting_id, item_id)
    panel = request.GET.get("panel", "")
    partial = panel if request.htmx and panel in LIVE_PANELS else None
    if partial == "now":
        context = {"meeting": item.meeting, "item": item, "panel_url": request.path}  # a GET
        return render(request, NOW_PRESENTING, context)
    return render_page(request, TEMPLATE, partial, review_context(request, item))


@login_required
@require_POST
def decision_typing(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """What a clinician has typed in the decision form so far, for the projector screen (not
    the record: nothing is kept once the decision is saved). 204."""
    require_role(request, Role.CLINICIAN)
    item = item_or_404(request, meeting_id, item_id)
    if item.meeting.status != MeetingStatus.IN_PROGRESS or item.moved_to_id is not None:
        return HttpResponse(status=204)
    form = DecisionForm(request.POST, plan_choices=_snapshot_choices(item, latest_only=False))
    form.is_valid()  # what is typed so far: keep the fields that read, leave the rest out
    data = {
        field: form.cleaned_data.get(field)
        for field in ("plan_codes", "plan_text", "intent", "agreement")
        if field in form.cleaned_data
    }
    decision_typing_put(item=item, actor=request.user, data=data)
    return HttpResponse(status=204)


@login_required
@require_POST
def letter_note(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """The coordinator's personal paragraph for the case's outcome letter."""
    require_role(request, Role.COORDINATOR)
    item = item_or_404(request, meeting_id, item_id)
    form = LetterNoteForm(request.POST)
    if not form.is_valid():
        return _answer(request, item, "letter", status=400, letter={"form": form})
    try:
        agenda_item_update(item=item, actor=request.user, data=form.cleaned_data)
    except ApplicationError as error:
        add_service_errors(form, error)
        return _answer(
            request, item, "letter", status=error.status, letter={"form": form, "error": error}
        )
    return _answer(request, item, "letter", letter={"saved": True})


@login_required
@require_POST
def vote(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """An attending liver surgeon records (or replaces) their own call."""
    require_role(request, Role.CLINICIAN)
    item = item_or_404(request, meeting_id, item_id)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _answer(request, item, "votes", status=400, votes={"form": form})
    try:
        vote_record(item=item, surgeon=request.user, **form.cleaned_data)
    except ApplicationError as error:
        add_service_errors(form, error)
        return _answer(
            request, item, "votes", status=error.status, votes={"form": form, "error": error}
        )
    return _answer(request, item, "votes")


@login_required
@require_POST
def votes_reveal_page(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """The chair reveals every call at once (the service refuses anyone else, 403)."""
    require_role(request, *WRITERS)
    item = item_or_404(request, meeting_id, item_id)
    try:
        votes_reveal(item=item, actor=request.user)
    except ApplicationError as error:
        return _answer(request, item, "votes", status=error.status, votes={"error": error})
    return _answer(request, item, "votes")


@login_required
@require_POST
def standard_of_care(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """The chair lists the case as the pathway's primary recommendation, undiscussed."""
    require_role(request, *WRITERS)
    item = item_or_404(request, meeting_id, item_id)
    form = IntentForm(request.POST)
    if not form.is_valid():
        return _answer(request, item, "decision", status=400, sos={"form": form})
    try:
        standard_of_care_list(item=item, actor=request.user, intent=form.cleaned_data["intent"])
    except ApplicationError as error:
        return _answer(
            request, item, "decision", status=error.status, sos={"form": form, "error": error}
        )
    return _answer(request, item, "decision", decision={"saved": True})


def _snapshot_choices(item: AgendaItem, *, latest_only: bool) -> list[tuple[str, str]]:
    """The plan codes the form offers: the snapshot the draft was made on (an edit stays on
    it), or the newest (a first decision and an amendment are made on the newest)."""
    snapshots = list(recommendation_history(case=item.case))
    if not snapshots:
        return []
    snapshot = snapshots[0]
    if not latest_only:
        versions = decision_versions(item=item)
        if versions:
            made_on = versions[-1].recommendation_id
            snapshot = next((s for s in snapshots if s.pk == made_on), snapshot)
    return plan_choices(snapshot)


def _with_current_revision(request: HttpRequest, item: AgendaItem, form_class: Any, **kwargs: Any):
    """After a conflict: the user's values kept, on the revision stored now, so that saving
    again (after reading what changed) applies them."""
    data = request.POST.copy()
    versions = decision_versions(item=item)
    data["revision"] = str(versions[-1].revision) if versions else ""
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


@login_required
@require_POST
def decision(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """Record the decision, or replace the draft, on the revision the form was made on."""
    require_role(request, Role.CLINICIAN)
    item = item_or_404(request, meeting_id, item_id)
    choices = _snapshot_choices(item, latest_only=False)
    form = DecisionForm(request.POST, plan_choices=choices)
    if not form.is_valid():
        return _answer(request, item, "decision", status=400, decision={"form": form})
    try:
        decision_record(
            item=item,
            actor=request.user,
            data=form.service_data(),
            expected_revision=form.cleaned_data.get("revision"),
        )
    except ApplicationError as error:
        conflict = error.status in (409, 428) and (
            "revision" in error.errors or error.status == 428
        )
        if conflict:
            form = _with_current_revision(request, item, DecisionForm, plan_choices=choices)
        add_service_errors(form, error)
        panel = {"form": form, "error": error, "conflict": conflict}
        return _answer(request, item, "decision", status=error.status, decision=panel)
    return _answer(request, item, "decision", decision={"saved": True})


@login_required
@require_POST
def decision_amend_page(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """After sign-off: a new version of the decision, with its reason."""
    require_role(request, Role.CLINICIAN)
    item = item_or_404(request, meeting_id, item_id)
    choices = _snapshot_choices(item, latest_only=True)
    form = AmendForm(request.POST, plan_choices=choices)
    if not form.is_valid():
        return _answer(request, item, "decision", status=400, amend={"form": form})
    try:
        decision_amend(
            item=item,
            actor=request.user,
            data=form.service_data(),
            amendment_reason=form.cleaned_data["amendment_reason"],
            expected_revision=form.cleaned_data.get("revision"),
        )
    except ApplicationError as error:
        if "revision" in error.errors:
            form = _with_current_revision(request, item, AmendForm, plan_choices=choices)
        add_service_errors(form, error)
        return _answer(
            request, item, "decision", status=error.status, amend={"form": form, "error": error}
        )
    return _answer(request, item, "decision", decision={"saved": True})


@login_required
@require_POST
def action_add_page(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    require_role(request, *WRITERS)
    item = item_or_404(request, meeting_id, item_id)
    form = ActionForm(
        request.POST,
        hospital=user_hospital(request.user),
        meeting_day=timezone.localdate(item.meeting.scheduled_for),
    )
    if not form.is_valid():
        return _answer(request, item, "actions", status=400, actions={"form": form})
    try:
        action_add(item=item, actor=request.user, **form.cleaned_data)
    except ApplicationError as error:
        add_service_errors(form, error)
        return _answer(
            request, item, "actions", status=error.status, actions={"form": form, "error": error}
        )
    return _answer(request, item, "actions")


@login_required
@require_POST
def action_done(
    request: HttpRequest, meeting_id: Any, item_id: Any, action_id: Any
) -> HttpResponse:
    """Mark an action done (also after sign-off: actions are tracked)."""
    require_role(request, *TRACKERS)
    item = item_or_404(request, meeting_id, item_id)
    try:
        action = action_get(item=item, action_id=action_id)
    except ApplicationError as error:
        raise Http404(error.message) from error
    try:
        action_update(action=action, actor=request.user, data={"done": True})
    except ApplicationError as error:
        return _answer(request, item, "actions", status=error.status, actions={"error": error})
    return _answer(request, item, "actions")


@login_required
@require_POST
def follow_up(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """Who tells the patient and by when; ticking "told" records the time it was done."""
    require_role(request, *TRACKERS)
    item = item_or_404(request, meeting_id, item_id)
    form = FollowUpForm(request.POST, hospital=user_hospital(request.user))
    if not form.is_valid():
        return _answer(request, item, "follow_up", status=400, follow_up={"form": form})
    now = timezone.now()
    told = form.cleaned_data
    changed = set(form.changed_data)  # against the values the page showed
    data: dict[str, Any] = {
        field: told[field]
        for field in ("patient_informer", "inform_patient_by")
        if field in changed
    }
    for box, stamp in (
        ("patient_informed", "patient_informed_at"),
        ("referrer_informed", "referrer_informed_at"),
    ):
        if box in changed:
            # Ticked: the time already recorded stands, or now; unticked: not told.
            data[stamp] = (getattr(item, stamp) or now) if told[box] else None
    try:
        follow_up_update(item=item, actor=request.user, data=data)
    except ApplicationError as error:
        add_service_errors(form, error)
        return _answer(
            request,
            item,
            "follow_up",
            status=error.status,
            follow_up={"form": form, "error": error},
        )
    return _answer(request, item, "follow_up", follow_up={"saved": True})


@login_required
@require_POST
def treatment(request: HttpRequest, meeting_id: Any, item_id: Any) -> HttpResponse:
    """Record or correct the treatment given after the signed decision."""
    require_role(request, *WRITERS)
    item = item_or_404(request, meeting_id, item_id)
    versions = decision_versions(item=item)
    choices = treatment_code_choices(versions[-1] if versions else None)
    form = TreatmentForm(request.POST, code_choices=choices)
    if not form.is_valid():
        return _answer(request, item, "treatment", status=400, treatment={"form": form})
    try:
        treatment_record(item=item, actor=request.user, data=form.service_data())
    except ApplicationError as error:
        form.add_service_errors(error)
        return _answer(
            request,
            item,
            "treatment",
            status=error.status,
            treatment={"form": form, "error": error},
        )
    return _answer(request, item, "treatment", treatment={"saved": True})
