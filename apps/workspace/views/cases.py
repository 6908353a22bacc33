"""Browser pages of cases: the list, the intake form (new and edit), the case page and its audit
trail, and the small htmx endpoints the form uses (per-field validation, lesion and
extrahepatic rows).

Every page needs a login; reads are open to every role of the user's hospital (another
hospital's case is 404), the intake form to coordinators (403 otherwise). The form works without
JavaScript: its row buttons are submit buttons the page handles itself, and htmx only makes the
same requests in place.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.casefacts.selectors import case_facts_raw, case_with_facts, case_with_facts_get
from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role, user_hospital
from apps.imaging.models import ImagingStudy
from apps.imaging.selectors import facts_lesions, facts_study_of
from apps.liverpanel.views.case import case_panel_context
from apps.meetings.selectors.case_agenda import CaseAgenda, case_agenda
from apps.meetings.selectors.readiness import readiness_date
from apps.meetings.selectors.rediscussion import case_rediscussion
from apps.pathways.facts import INPUTS, LATEST_INPUT, FactsValidationError
from apps.pathways.registry import CURRENT_VERSION
from apps.patients.choices import FINISHED_STATUSES, CaseStatus
from apps.patients.models import MdtCase
from apps.patients.selectors import case_list as scoped_cases
from apps.patients.selectors import patient_list
from apps.readiness.selectors import case_readiness_read
from apps.recommendations.panel import snapshot_panel_html
from apps.recommendations.selectors import recommendation_latest_read

from .. import selectors, services
from ..forms import IntakeForm, initial_from_case, intake_form_from_post, labelled_errors

CASES_PER_PAGE = 25
FORM_TEMPLATE = "workspace/case_form.html"


def _require_coordinator(request: HttpRequest) -> None:
    if not has_role(request.user, Role.COORDINATOR) or user_hospital(request.user) is None:
        raise PermissionDenied("Only a coordinator enters and edits cases.")


def _case(request: HttpRequest, case_id: Any) -> MdtCase:
    return get_object_or_404(scoped_cases(user=request.user), pk=case_id)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    query = request.GET.get("q", "")[:100]
    cases = selectors.case_search(user=request.user, status=status, query=query)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "query": query,
        "statuses": CaseStatus.choices,
        "filtered": bool(status or query),
    }
    if request.htmx and request.htmx.target == "case-results":
        return render(request, "workspace/case_list.html#results", context)
    return render(request, "workspace/case_list.html", context)


def _form_page(
    request: HttpRequest, form: IntakeForm, *, case: MdtCase | None = None, status: int = 200
) -> HttpResponse:
    return render(request, FORM_TEMPLATE, {"form": form, "case": case}, status=status)


def _submit(request: HttpRequest, form: IntakeForm, case: MdtCase | None) -> HttpResponse:
    """A row button (re-render, nothing saved) or the save itself."""
    if form.apply_action(request.POST.get("action", "")):
        return _form_page(request, form, case=case)
    intake = form.full_clean()
    if intake is None:
        return _form_page(request, form, case=case, status=400)
    try:
        if case is None:
            case = services.case_intake(
                hospital=user_hospital(request.user),
                identity=intake.identity,
                question=intake.question,
                referring_clinician=intake.referring_clinician,
                general_practitioner=intake.general_practitioner,
                referred_on=intake.referred_on,
                facts=intake.facts,
                cea_measured_on=intake.cea_measured_on,
                study=intake.study,
                records=intake.records,
                actor=request.user,
            )
        else:
            services.case_intake_update(
                case=case,
                question=intake.question,
                referring_clinician=intake.referring_clinician,
                general_practitioner=intake.general_practitioner,
                referred_on=intake.referred_on,
                facts=intake.facts,
                cea_measured_on=intake.cea_measured_on,
                study=intake.study,
                records=intake.records,
                actor=request.user,
            )
    except ApplicationError as error:
        form.add_service_errors(error.errors or {"": [error.message]})
        if "" in form.errors:
            form.errors[""] = [error.message, *form.errors[""]]
        return _form_page(request, form, case=case, status=error.status)
    return redirect("workspace:case-detail", case_id=case.id)


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    if request.method == "POST":
        return _submit(request, IntakeForm(request.POST), None)
    return _form_page(request, IntakeForm())


@login_required
def case_edit(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    _require_coordinator(request)
    finished = case.status in FINISHED_STATUSES
    if request.method == "POST":
        form = IntakeForm(request.POST, birth_date=case.patient.birth_date, editing=True)
        if finished:
            form.errors[""] = [
                f"The case is {case.get_status_display().lower()}: reopen it to change its facts."
            ]
            return _form_page(request, form, case=case, status=409)
        return _submit(request, form, case)
    case = case_with_facts(case=case)
    if not case.has_facts:
        form = IntakeForm(
            initial=initial_from_case(case, _empty_facts(), None),
            birth_date=case.patient.birth_date,
            editing=True,
        )
    else:
        form = IntakeForm(
            initial=initial_from_case(case, case_facts_raw(case=case), _study(case)),
            birth_date=case.patient.birth_date,
            editing=True,
        )
    if finished:
        form.errors[""] = [
            f"The case is {case.get_status_display().lower()}: reopen it to change its facts."
        ]
    return _form_page(request, form, case=case)


def _empty_facts() -> dict[str, Any]:
    return {"liver": {"lesions": [{}]}, "extrahepatic": {"sites": []}}


def _study(case: MdtCase) -> ImagingStudy | None:
    """The study the lesion table was read from (the facts' own), else the latest."""
    return (
        facts_study_of(case.liver_lesions.all())
        or case.imaging_studies.order_by("-performed_on", "-created_at").first()
    )


@login_required
@require_POST
def intake_validate(request: HttpRequest) -> HttpResponse:
    """The errors of the one input the user just left (named by htmx's HX-Trigger-Name header,
    or `field`), checked with the whole form so consistency rules see the other inputs."""
    _require_coordinator(request)
    name = request.headers.get("HX-Trigger-Name") or request.POST.get("field", "")
    form = intake_form_from_post(request.POST, request.user)
    form.full_clean()
    if name.startswith("patient.") and not form.editing and name not in form.errors:
        form.errors.update(_identity_mismatch(request, form, name))
    # 200 even with errors: this is advice while typing, not a refused submission (and a 4xx
    # would show as a failed request in the browser's console).
    return render(
        request,
        "workspace/case_form.html#field-errors",
        {"errors": form.field_errors(name), "field_name": name},
    )


def _identity_mismatch(request: HttpRequest, form: IntakeForm, name: str) -> dict[str, list[str]]:
    """A registered patient under this MRN whose details differ from what was typed: said as
    soon as the field is left (the referral itself re-checks it when saving)."""
    mrn = (form.values.get("patient.mrn") or "").strip()
    if not mrn or name == "patient.mrn":
        return {}
    patient = patient_list(user=request.user).filter(mrn=mrn).first()
    if patient is None:
        return {}
    typed = (form.values.get(name) or "").strip()
    stored = getattr(patient, name.split(".", 1)[1], None)
    stored_text = stored.isoformat() if hasattr(stored, "isoformat") else str(stored or "")
    if typed and typed.casefold() != stored_text.casefold():
        return {name: ["Does not match the patient already registered under this MRN."]}
    return {}


def _row_table(request: HttpRequest, partial: str) -> HttpResponse:
    _require_coordinator(request)
    form = intake_form_from_post(request.POST, request.user)
    form.apply_action(request.POST.get("action", ""))
    response = render(request, f"{FORM_TEMPLATE}#{partial}", {"form": form})
    # The rows changed the facts: the live recommendation panel listens for this.
    response["HX-Trigger"] = "intake-changed"
    return response


@login_required
@require_POST
def intake_lesions(request: HttpRequest) -> HttpResponse:
    """The lesion table with a row added or removed (`action`), every typed value kept."""
    return _row_table(request, "lesion-table")


@login_required
@require_POST
def intake_sites(request: HttpRequest) -> HttpResponse:
    """The extrahepatic sites table with a row added or removed."""
    return _row_table(request, "site-table")


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: Any) -> HttpResponse:
    try:
        case = case_with_facts_get(cases=scoped_cases(user=request.user), pk=case_id)
    except MdtCase.DoesNotExist:
        raise Http404("No MdtCase matches the given query.") from None  # as get_object_or_404
    return render(request, "workspace/case_detail.html", _detail_context(request, case))


def _detail_context(request: HttpRequest, case: MdtCase) -> dict[str, Any]:
    facts = None
    facts_error = None
    facts_refused: dict[str, list[str]] = {}
    if case.has_facts:
        try:
            facts = case_facts_raw(case=case)
            # Facts a newer pathway version refuses (recorded when an earlier one allowed
            # them): the recommendation cannot be computed until they are corrected.
            INPUTS[LATEST_INPUT].parse(facts)
        except FactsValidationError as error:
            facts_refused = labelled_errors(error.errors)
        except ObjectDoesNotExist:  # a record deleted by hand: say so rather than fail
            facts_error = "Some of the case's records are missing."
    snapshot = recommendation_latest_read(case=case)
    panel = snapshot_panel_html(snapshot, panel_id="case") if snapshot is not None else None
    studies = list(case.imaging_studies.order_by("-performed_on", "-created_at"))
    agenda = case_agenda(case=case)
    # The checklist from the studies and the snapshot read above (the page reads each once).
    readiness = case_readiness_read(
        case=case,
        on=readiness_date(agenda.next_meeting),
        studies=studies,
        snapshot=snapshot,
    )
    return {
        "readiness": readiness,
        "readiness_meeting": agenda.next_meeting,
        "case": case,
        "age_at_referral": case.patient.age_on(case.referred_on),
        "facts": facts,
        "facts_error": facts_error,
        "facts_refused": facts_refused,
        "pathway_version": CURRENT_VERSION,
        "studies": studies,
        "facts_study": facts_study_of(case.liver_lesions.all()),
        "lesions": facts_lesions(case.liver_lesions.all()),
        "sites": list(case.extrahepatic_sites.all()),
        "snapshot": snapshot,
        "panel": panel,
        "decided_items": agenda.decided_items,
        "can_record_treatment": has_role(request.user, Role.COORDINATOR, Role.CLINICIAN),
        "can_recalculate": has_role(request.user, Role.COORDINATOR, Role.CLINICIAN),
        "can_edit": has_role(request.user, Role.COORDINATOR)
        and case.status not in FINISHED_STATUSES,
        "recalculate_error": None,
        **_meeting_follow_up(case, agenda),
        **case_panel_context(case=case, user=request.user),
    }


def _meeting_follow_up(case: MdtCase, agenda: CaseAgenda) -> dict[str, Any]:
    """Whether a decision asked for the case back (and whether that is due), and whether the
    case is waiting for a meeting after a postponement."""
    # Most cases were never asked back: their agenda says so, and the request is not looked for.
    rediscussion = case_rediscussion(case=case) if agenda.asks_back else None
    return {
        "rediscussion": rediscussion,
        "rediscussion_due": rediscussion is not None
        and rediscussion.rediscuss_on <= timezone.localdate(),
        "waiting_for_meeting": agenda.waiting_for_meeting,
    }


@login_required
@require_GET
def case_audit(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    saves = selectors.case_audit_saves(case=case)
    return render(request, "workspace/case_audit.html", {"case": case, "saves": saves})
