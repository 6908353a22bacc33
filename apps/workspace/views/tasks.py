"""My tasks: the user's inbox page, and the one-click POSTs that do a task (mark an action
done, record that the patient was told). Each POST answers the task list again for htmx (the
same page of the list on /tasks/, the short one on the dashboard); without JavaScript it
redirects back to that page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.core.exceptions import ApplicationError
from apps.core.roles import has_role
from apps.meetings.selectors.decisions import action_of_hospital, agenda_item_of_hospital
from apps.meetings.services.decisions import action_update, follow_up_update

from ..inbox import TRACKERS, my_tasks, task_summary

TASK_LIST = "workspace/_tasks.html"
# The dashboard's panel shows the first few; the page shows them a page at a time.
DASHBOARD_TASKS = 5
TASKS_PER_PAGE = 50
# Where a task was done from: the page and its htmx answer (never a URL from the request).
VIEWS = {"tasks": "workspace:tasks", "home": "home"}


def tasks_context(
    user: Any, *, view: str, error: ApplicationError | None = None, page: str | None = None
) -> dict:
    task_page = None
    if view == "home":
        # The first few and the counts, without building the whole list.
        summary = task_summary(user=user, first=DASHBOARD_TASKS)
        shown, total, overdue = summary.first, summary.total, summary.overdue
    else:
        tasks = my_tasks(user=user)
        # A page number that is not one (or past the end) gives the first (or the last) page.
        task_page = Paginator(tasks, TASKS_PER_PAGE).get_page(page)
        shown = list(task_page.object_list)
        total, overdue = len(tasks), sum(task.overdue for task in tasks)
    return {
        "tasks": shown,
        "task_page": task_page,
        "task_total": total,
        "task_overdue": overdue,
        "task_view": view,
        "task_error": error,
    }


@login_required
@require_GET
def tasks_page(request: HttpRequest) -> HttpResponse:
    context = tasks_context(request.user, view="tasks", page=request.GET.get("page"))
    return render(request, "workspace/tasks.html", context)


def _done(request: HttpRequest, do: Any) -> HttpResponse:
    if not has_role(request.user, *TRACKERS):
        raise PermissionDenied("Your role does not allow this.")
    view = request.POST.get("view", "tasks")
    view = view if view in VIEWS else "tasks"
    page = request.POST.get("page")
    try:
        do()
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        context = tasks_context(request.user, view=view, error=error, page=page)
        if request.htmx:
            return render(request, TASK_LIST, context, status=error.status)
        return render(request, "workspace/tasks.html", context, status=error.status)
    context = tasks_context(request.user, view=view, page=page)
    if request.htmx:
        return render(request, TASK_LIST, context)
    shown = context["task_page"]
    on_page = f"?page={shown.number}" if shown is not None and shown.number > 1 else ""
    return redirect(reverse(VIEWS[view]) + on_page + "#my-tasks")


@login_required
@require_POST
def task_action_done(request: HttpRequest, action_id: Any) -> HttpResponse:
    """Mark one of the hospital's actions done."""

    def do() -> None:
        action = action_of_hospital(user=request.user, action_id=action_id)
        action_update(action=action, actor=request.user, data={"done": True})

    return _done(request, do)


@login_required
@require_POST
def task_patient_told(request: HttpRequest, item_id: Any) -> HttpResponse:
    """Record that the patient was told the decision, now."""

    def do() -> None:
        item = agenda_item_of_hospital(user=request.user, item_id=item_id)
        follow_up_update(
            item=item, actor=request.user, data={"patient_informed_at": timezone.now()}
        )

    return _done(request, do)
