"""My tasks: one inbox per user of what is waiting on them after the meetings, gathered from a
list of task sources, overdue first, then by due date.

A source is a function `(user, hospital, roles, today, limit) -> Found` in `TASK_SOURCES`: its
first `limit` tasks in due order, and how many it has in all and overdue (counted up to
`TASKS_PER_SOURCE`, as many as the list shows). Each costs a fixed number of queries however
many tasks it finds: one for the list, a second for the dashboard, which asks for the first few
of each, builds no more, and counts the rest with a flag a row (`_first`). A new kind of task
is a function here and a line in `TASK_SOURCES`.

The sources: actions the user owns, patients the user is to tell (with the due date), signed
decisions of the past year without the treatment given (coordinators and clinicians), cases
due for re-discussion within the week (coordinators, who put cases on agendas: due on the
requested date, overdue once it has passed, done on the case's add-to-meeting page), the liver
expert panel's reviews and conclusions waiting on a member (named by the case's pseudonym), and
cases due back to the panel within the week (coordinators).
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from apps.analytics.worklist import current_stages, rediscussions_due
from apps.core.choices import Role
from apps.core.models import Hospital
from apps.core.roles import user_hospital, user_roles
from apps.liverpanel.models import PanelMember
from apps.liverpanel.selectors import conclusions_to_write, open_reviews, rereviews_due
from apps.meetings.selectors.decisions import actions_owned_open, patients_to_tell
from apps.meetings.selectors.rediscussion import REDISCUSSION_LOOK_AHEAD
from apps.meetings.selectors.treatment import (
    TREATMENT_DUE_DAYS,
    decisions_awaiting_treatment,
    treatment_due_on,
)

# The kinds of task, as the page and the API name them.
ACTION = "action"
TELL_PATIENT = "tell_patient"
RECORD_TREATMENT = "record_treatment"
REDISCUSS = "rediscuss"
PANEL_REVIEW = "panel_review"
PANEL_CONCLUSION = "panel_conclusion"
PANEL_REREVIEW = "panel_rereview"
TASK_KINDS = {
    ACTION: "Action",
    TELL_PATIENT: "Tell the patient",
    RECORD_TREATMENT: "Record the treatment given",
    REDISCUSS: "Due for re-discussion",
    PANEL_REVIEW: "Liver panel review",
    PANEL_CONCLUSION: "Liver panel conclusion",
    PANEL_REREVIEW: "Due for panel re-review",
}
# Enough for any one person's week; the rest waits behind them.
TASKS_PER_SOURCE = 200
# Decisions older than this without a treatment record are the audit's business, not a task.
TREATMENT_LOOKBACK = datetime.timedelta(days=365)
# Who records the treatment given (the service's writers).
TREATMENT_RECORDERS = {Role.COORDINATOR, Role.CLINICIAN}
# Who may do an action or tell-the-patient task in one click.
TRACKERS = {Role.COORDINATOR, Role.CLINICIAN, Role.NURSE_SPECIALIST}


class Task(NamedTuple):
    """One thing waiting on the user: what, for whom, by when, where to see it, and the
    one-click address (a POST) that does it, or None when it is done on its own page."""

    kind: str
    id: str
    title: str
    # A panel member's tasks name the case by its pseudonym, and no case id: the case belongs
    # to another hospital's records.
    patient: str
    case_id: str | None
    due_on: datetime.date | None
    overdue: bool
    url: str
    done_url: str | None
    done_label: str

    @property
    def kind_label(self) -> str:
        return TASK_KINDS.get(self.kind, self.kind)


class Found(NamedTuple):
    """What a source found: its first tasks (up to the limit asked), and how many it has in
    all and overdue, each counted up to TASKS_PER_SOURCE (as many as the task list shows)."""

    tasks: list[Task]
    total: int
    overdue: int


TaskSource = Callable[[Any, Hospital, frozenset[str], datetime.date, int], Found]
NOTHING = Found([], 0, 0)


class _Read(NamedTuple):
    rows: list[Any]
    # None: the rows are all there are (up to TASKS_PER_SOURCE), counted from their tasks.
    counts: tuple[int, int] | None


def _first(rows: Any, overdue: Q, limit: int) -> _Read:
    """The first `limit` of `rows` (in due order). Asked for fewer than TASKS_PER_SOURCE (the
    dashboard), how many there are in all and overdue, up to that number, as well: a second
    query reads a flag for each of the first TASKS_PER_SOURCE (the planner stops there, where
    a count of every row would not). Overdue rows come first in due order, so those among the
    first TASKS_PER_SOURCE are all of them, up to that number."""
    first = list(rows[:limit])
    if limit >= TASKS_PER_SOURCE:
        return _Read(first, None)
    late = Case(When(overdue, then=Value(1)), default=Value(0), output_field=IntegerField())
    flags = list(
        rows.annotate(task_late=late).values_list("task_late", flat=True)[:TASKS_PER_SOURCE]
    )
    return _Read(first, (len(flags), sum(flags)))


def _found(tasks: list[Task], read: _Read) -> Found:
    if read.counts is None:
        return Found(tasks, len(tasks), sum(task.overdue for task in tasks))
    return Found(tasks, *read.counts)


def _patient(case: Any) -> str:
    patient = case.patient
    return f"{patient.family_name.upper()}, {patient.given_name} ({patient.mrn})"


@functools.cache
def _url_pattern(name: str, *keys: str) -> str:
    """The address of `name` with a placeholder for each key: hundreds of tasks are linked on
    one page, and resolving each address again costs more than the rest of the task."""
    placeholders = {key: uuid.UUID(int=index + 1) for index, key in enumerate(keys)}
    address = reverse(name, kwargs=placeholders)
    for key, placeholder in placeholders.items():
        address = address.replace(str(placeholder), "{" + key + "}")
    return address


def _url(name: str, **ids: Any) -> str:
    return _url_pattern(name, *ids).format(**{key: str(value) for key, value in ids.items()})


def _review_url(item: Any) -> str:
    return _url("meetings:item-review", meeting_id=item.meeting_id, item_id=item.pk)


# Only the columns a task shows, of each row a source reads (a task list can run to hundreds
# of rows; whole rows of five tables cost more to load than the page to render).
PATIENT_COLUMNS = ("patient__family_name", "patient__given_name", "patient__mrn")


def _lean(rows: Any, *, case: str, meeting: str | None, columns: tuple[str, ...]) -> Any:
    related = [f"{case}__patient"] + ([meeting] if meeting else [])
    shown = [f"{case}__{column}" for column in PATIENT_COLUMNS]
    if meeting:
        shown.append(f"{meeting}__scheduled_for")
    return rows.select_related(None).select_related(*related).only(*columns, *shown)


def owned_actions(
    user: Any, hospital: Hospital, roles: frozenset[str], today: datetime.date, limit: int
) -> Found:
    can_do = bool(roles & TRACKERS)
    read = _first(
        _lean(
            actions_owned_open(user=user),
            case="agenda_item__case",
            meeting=None,
            columns=("description", "due_on", "agenda_item__meeting"),
        ),
        Q(due_on__lt=today),
        limit,
    )
    tasks = [
        Task(
            kind=ACTION,
            id=str(action.pk),
            title=action.description,
            patient=_patient(action.agenda_item.case),
            case_id=str(action.agenda_item.case_id),
            due_on=action.due_on,
            overdue=action.due_on < today,
            url=_review_url(action.agenda_item) + "#actions",
            done_url=_url("workspace:task-action-done", action_id=action.pk) if can_do else None,
            done_label="Mark done",
        )
        for action in read.rows
    ]
    return _found(tasks, read)


def patients_to_inform(
    user: Any, hospital: Hospital, roles: frozenset[str], today: datetime.date, limit: int
) -> Found:
    can_do = bool(roles & TRACKERS)
    read = _first(
        _lean(
            patients_to_tell(user=user),
            case="case",
            meeting="meeting",
            columns=("inform_patient_by",),
        ),
        Q(inform_patient_by__lt=today),
        limit,
    )
    tasks = [
        Task(
            kind=TELL_PATIENT,
            id=str(item.pk),
            title="The board's decision of "
            f"{timezone.localdate(item.meeting.scheduled_for):%d %b %Y}",
            patient=_patient(item.case),
            case_id=str(item.case_id),
            due_on=item.inform_patient_by,
            overdue=item.inform_patient_by is not None and item.inform_patient_by < today,
            url=_review_url(item) + "#follow-up",
            done_url=_url("workspace:task-patient-told", item_id=item.pk) if can_do else None,
            done_label="Patient told",
        )
        for item in read.rows
    ]
    return _found(tasks, read)


def treatments_to_record(
    user: Any, hospital: Hospital, roles: frozenset[str], today: datetime.date, limit: int
) -> Found:
    if not roles & TREATMENT_RECORDERS:
        return NOTHING
    # Overdue: due (the meeting's local day + TREATMENT_DUE_DAYS) before today, that is a
    # meeting before the local midnight starting the day TREATMENT_DUE_DAYS before today.
    due_from = today - datetime.timedelta(days=TREATMENT_DUE_DAYS)
    overdue = Q(
        meeting__scheduled_for__lt=timezone.make_aware(
            datetime.datetime.combine(due_from, datetime.time.min)
        )
    )
    read = _first(
        _lean(
            decisions_awaiting_treatment(hospital=hospital, held_since=today - TREATMENT_LOOKBACK),
            case="case",
            meeting="meeting",
            columns=(),
        ),
        overdue,
        limit,
    )
    tasks = []
    for item in read.rows:
        due = treatment_due_on(item)
        tasks.append(
            Task(
                kind=RECORD_TREATMENT,
                id=str(item.pk),
                title="What was started after the decision of "
                f"{timezone.localdate(item.meeting.scheduled_for):%d %b %Y}",
                patient=_patient(item.case),
                case_id=str(item.case_id),
                due_on=due,
                overdue=due < today,
                url=_review_url(item) + "#treatment",
                done_url=None,
                done_label="Record it",
            )
        )
    return _found(tasks, read)


def cases_to_rediscuss(
    user: Any, hospital: Hospital, roles: frozenset[str], today: datetime.date, limit: int
) -> Found:
    if Role.COORDINATOR not in roles:
        return NOTHING
    # Read among the pending requests the worklist's stored stages hold (brought up to date
    # first): ten years of decisions are not walked on each request.
    current_stages(hospital=hospital, today=today)
    requests = rediscussions_due(
        hospital=hospital, on_or_before=today + REDISCUSSION_LOOK_AHEAD, limit=TASKS_PER_SOURCE
    )
    # Requests due within the week: a few, read whole (up to TASKS_PER_SOURCE) and counted.
    rows = list(
        _lean(
            requests,
            case="agenda_item__case",
            meeting=None,
            columns=("rediscuss_on", "rediscuss_reason"),
        )[:TASKS_PER_SOURCE]
    )
    tasks = [
        Task(
            kind=REDISCUSS,
            id=str(request.agenda_item_id),
            title=f"Back to the board: {request.rediscuss_reason}",
            patient=_patient(request.agenda_item.case),
            case_id=str(request.agenda_item.case_id),
            due_on=request.rediscuss_on,
            overdue=request.rediscuss_on < today,
            url=_url("meetings:case-add-to-meeting", case_id=request.agenda_item.case_id),
            done_url=None,
            done_label="Add to a meeting",
        )
        for request in rows[:limit]
    ]
    return Found(tasks, len(rows), sum(request.rediscuss_on < today for request in rows))


def panel_work(
    user: Any, hospital: Hospital, roles: frozenset[str], today: datetime.date, limit: int
) -> Found:
    """Reviews the user was drawn for, and conclusions to write for the panels they chair: a
    member has few of either, so both are read whole (up to TASKS_PER_SOURCE). One query for a
    user on no panel."""
    chairs = list(
        PanelMember.objects.filter(user=user, active=True).values_list("is_chair", flat=True)
    )
    if not chairs:
        return NOTHING
    tasks = [
        Task(
            kind=PANEL_REVIEW,
            id=str(review.pk),
            title=f"Review for {review.referral.panel.name}: {review.referral.question}",
            patient=review.referral.pseudonym,
            case_id=None,
            due_on=review.referral.due_on,
            overdue=review.referral.due_on < today,
            url=_url("liverpanel:review", referral_id=review.referral_id),
            done_url=None,
            done_label="Review",
        )
        for review in open_reviews(user=user)[:TASKS_PER_SOURCE]
    ]
    if any(chairs):
        tasks += [
            Task(
                kind=PANEL_CONCLUSION,
                id=str(referral.pk),
                title=f"Every review is in: write {referral.panel.name}'s conclusion",
                patient=referral.pseudonym,
                case_id=None,
                due_on=referral.due_on,
                overdue=referral.due_on < today,
                url=_url("liverpanel:review", referral_id=referral.pk),
                done_url=None,
                done_label="Conclude",
            )
            for referral in conclusions_to_write(user=user)[:TASKS_PER_SOURCE]
        ]
    tasks.sort(key=lambda task: (task.due_on, task.kind))
    return Found(tasks[:limit], len(tasks), sum(task.overdue for task in tasks))


def panel_rereviews(
    user: Any, hospital: Hospital, roles: frozenset[str], today: datetime.date, limit: int
) -> Found:
    """Cases the panel is to review again within the week (coordinators, who send them)."""
    if Role.COORDINATOR not in roles:
        return NOTHING
    due = list(
        rereviews_due(hospital=hospital, on_or_before=today + REDISCUSSION_LOOK_AHEAD)[
            :TASKS_PER_SOURCE
        ]
    )
    tasks = [
        Task(
            kind=PANEL_REREVIEW,
            id=str(referral.pk),
            title=f"Send back to {referral.panel.name} (re-review after {referral.pseudonym})",
            patient=_patient(referral.case),
            case_id=str(referral.case_id),
            due_on=referral.rereview_on,
            overdue=referral.rereview_on < today,
            url=_url("workspace:case-detail", case_id=referral.case_id) + "#liver-panel",
            done_url=None,
            done_label="Send to the panel",
        )
        for referral in due
    ]
    return Found(tasks[:limit], len(tasks), sum(task.overdue for task in tasks))


TASK_SOURCES: list[TaskSource] = [
    owned_actions,
    patients_to_inform,
    treatments_to_record,
    cases_to_rediscuss,
    panel_work,
    panel_rereviews,
]


def _order(task: Task) -> tuple[bool, bool, datetime.date, str]:
    return (
        not task.overdue,
        task.due_on is None,
        task.due_on or datetime.date.max,
        task.kind,
    )


def _gathered(user: Any, limit: int) -> list[Found]:
    hospital = user_hospital(user)
    roles = user_roles(user)
    if hospital is None or not roles:
        return []
    today = timezone.localdate()
    return [source(user, hospital, roles, today, limit) for source in TASK_SOURCES]


def my_tasks(*, user: Any) -> list[Task]:
    """Everything waiting on the user (up to TASKS_PER_SOURCE of each kind), overdue first,
    then by due date (undated last)."""
    found = _gathered(user, TASKS_PER_SOURCE)
    return sorted((task for each in found for task in each.tasks), key=_order)


class TaskSummary(NamedTuple):
    first: list[Task]
    total: int
    overdue: int


def task_summary(*, user: Any, first: int) -> TaskSummary:
    """The first `first` of `my_tasks` and how many there are in all and overdue, without
    building the rest: each source reads its first few (every source's list is in due order,
    so the first few of all are among them) and counts the others (`_first`)."""
    found = _gathered(user, first)
    tasks = sorted((task for each in found for task in each.tasks), key=_order)
    return TaskSummary(
        first=tasks[:first],
        total=sum(each.total for each in found),
        overdue=sum(each.overdue for each in found),
    )
