"""The case worklist: every case of the hospital by stage, from referral to closure.

A case is in the *last* stage it has reached, tested from the end of the way back:

    closed            closed or withdrawn (CaseStatus)
    on an agenda      listed, undiscussed, on a meeting that is scheduled or in progress
    follow-up         `is_in_follow_up`: treatment started FOLLOW_UP_AFTER_DAYS ago or more
    treatment started `has_started_treatment`: the last decision's treatment record says
                      something was started
    discussed         a decision recorded where the case stayed on a meeting's agenda
    ready             `is_ready`: the readiness checklist, today, by the hospital's policy
    in preparation    facts recorded
    referred          none of the above

"On an agenda" comes before the later stages: a case listed again (for re-discussion) is the
coordinator's business this week, whatever happened before.

Each stage test is one function answering a condition on `MdtCase` rows (a `Q` or boolean
expression), so the stage of every case is computed in one query however many cases there are,
and a test is replaced in one place. Readiness is the checklist of apps.readiness written as
database conditions (`ready_cases`, one place, tested to agree with the checklist computed in
Python): an uncorrelated subquery PostgreSQL computes once, not once a case.

Follow-up has no status of its own (the services set none after treatment): a case is in
follow-up when the treatment of its last decision started FOLLOW_UP_AFTER_DAYS (six months)
ago or more and nothing newer happened: by then a first course of treatment (perioperative
chemotherapy, a resection and its recovery) is usually over and the case is in surveillance
until it comes back to the board or is closed.

Days in stage count from `stage_since`: the referral date (referred), the last change of the
facts (in preparation), the newest current recommendation (ready; the checklist's results have
no single date), the listing on the agenda (on an agenda), the last meeting that discussed the
case (discussed), the treatment's start (treatment started), the start plus
FOLLOW_UP_AFTER_DAYS (follow-up), the last change of the case (closed).

Beside the stage, two flags the coordinator acts on: `rediscussion_due` (a signed decision
asked for the case back on or before today, apps.meetings.selectors.rediscussion) and
`waiting_for_meeting` (postponed at a signed-off meeting, no later meeting took it,
apps.meetings.selectors.carry_over). Each is an uncorrelated subquery too.

Cost: the stage is computed from the records on every request (nothing stored can drift from
them), one grouped query over the hospital's cases joined to their agenda items, decisions,
meetings, treatment records and recommendations. At 50,000 cases that is about 0.4 s a query on
a 2-core machine, and the board page makes three (bench/scale.py); a stage stored on the case,
moved by the services and by a daily job for the stages that move with the date (readiness
going stale, follow-up), is the next step.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, RowNumber, TruncDate
from django.utils import timezone

from apps.core.roles import user_hospital
from apps.meetings.choices import MeetingStatus
from apps.meetings.selectors.carry_over import cases_waiting_for_meeting
from apps.meetings.selectors.rediscussion import cases_due_for_rediscussion
from apps.pathways.registry import CURRENT_VERSION
from apps.patients.choices import FINISHED_STATUSES, CaseStatus
from apps.patients.models import MdtCase
from apps.patients.selectors import case_list
from apps.readiness.selectors import ready_condition

from .choices import WorklistStage

STAGE_ORDER = list(WorklistStage.values)
OPEN_MEETINGS = [MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS]
# How long after its start a treatment's case counts as in follow-up (see the docstring).
FOLLOW_UP_AFTER_DAYS = 182
# The flags a list can be narrowed to.
FLAGS = ("rediscussion_due", "waiting_for_meeting")


def _with_stage_dates(cases: QuerySet[MdtCase]) -> QuerySet[MdtCase]:
    """Each case with the moments its stages are read from, aggregated over its agenda items,
    their decisions and treatment records, and its recommendations in one grouped query (no
    subquery at all: over ten years of cases a subquery a row costs seconds, and a subquery in
    an aggregate's filter is computed again for every place the aggregate is used):

    - `listed_at`: when it was put on an open agenda (scheduled or in progress) where it stays
      undiscussed, the earliest such listing;
    - `last_discussed_at`: the last meeting that discussed it;
    - `recommended_at`: its newest current recommendation (on its current facts, by the
      pathway in use);
    - `treated_at`, `treatment_started_on`: the last meeting that discussed it whose decision
      has a treatment record saying something was started, and that start.

    An item is "decided" when a decision row joins it; the decisions' versions repeat the
    item's row, which the earliest and latest moments do not count twice.
    """
    open_listing = Q(
        agenda_items__moved_to__isnull=True,
        agenda_items__meeting__status__in=OPEN_MEETINGS,
        agenda_items__decisions__isnull=True,
    )
    discussion = Q(agenda_items__moved_to__isnull=True, agenda_items__decisions__isnull=False)
    current = Q(
        recommendations__pathway_version=CURRENT_VERSION,
        recommendations__facts_updated_at__gte=F("facts_updated_at"),
    )
    treated = discussion & Q(agenda_items__treatment_given__started=True)
    return cases.annotate(
        listed_at=Min("agenda_items__created_at", filter=open_listing),
        last_discussed_at=Max("agenda_items__meeting__scheduled_for", filter=discussion),
        recommended_at=Max("recommendations__created_at", filter=current),
        treated_at=Max("agenda_items__meeting__scheduled_for", filter=treated),
        treatment_started_on=Max("agenda_items__treatment_given__started_on", filter=treated),
    )


def is_ready(*, hospital: Any, today: datetime.date) -> Q:
    """Ready for the board: every item of the readiness checklist current today by the
    hospital's policy (apps.readiness.selectors.ready_cases; one query, the policy)."""
    return ready_condition(hospital=hospital, on=today)


def has_started_treatment() -> Q:
    """Treatment started after the board's current decision: the last meeting that discussed
    the case has a treatment record saying something was started (a record that nothing was
    started leaves the case discussed). A condition on the cases of `_with_stage_dates`."""
    return Q(treated_at__isnull=False, treated_at=F("last_discussed_at"))


def is_in_follow_up(*, today: datetime.date) -> Q:
    """In follow-up: the treatment started FOLLOW_UP_AFTER_DAYS ago or more."""
    started_before = today - datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS)
    return has_started_treatment() & Q(treatment_started_on__lte=started_before)


def _is_on_agenda() -> Q:
    return Q(listed_at__isnull=False)


def _is_discussed() -> Q:
    return Q(status=CaseStatus.DISCUSSED) | Q(last_discussed_at__isnull=False)


def _stages(*, hospital: Any, today: datetime.date) -> list[tuple[Q, str, Any]]:
    """Each stage's test, tried in this order (the last stage reached first), with the date its
    days count from."""
    follow_up_since = Cast(
        F("treatment_started_on") + datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS), DateField()
    )
    return [
        (Q(status__in=FINISHED_STATUSES), WorklistStage.CLOSED, TruncDate("updated_at")),
        (_is_on_agenda(), WorklistStage.ON_AGENDA, TruncDate("listed_at")),
        (is_in_follow_up(today=today), WorklistStage.FOLLOW_UP, follow_up_since),
        (has_started_treatment(), WorklistStage.TREATMENT_STARTED, F("treatment_started_on")),
        (_is_discussed(), WorklistStage.DISCUSSED, TruncDate("last_discussed_at")),
        (
            is_ready(hospital=hospital, today=today),
            WorklistStage.READY,
            TruncDate("recommended_at"),
        ),
        (
            Q(facts_updated_at__isnull=False),
            WorklistStage.IN_PREPARATION,
            TruncDate("facts_updated_at"),
        ),
    ]


def _stage(stages: list[tuple[Q, str, Any]]) -> Case:
    return Case(
        *(When(test, then=Value(stage.value)) for test, stage, _ in stages),
        default=Value(WorklistStage.REFERRED.value),
        output_field=CharField(),
    )


def _stage_since(stages: list[tuple[Q, str, Any]]) -> Case:
    # The same tests again rather than tests on `stage`: a condition on an annotation is
    # written out in full where it is used, and eight of them made the stage eight times over.
    return Case(
        *(When(test, then=since) for test, _, since in stages),
        default=F("referred_on"),
        output_field=DateField(),
    )


def _flags(*, hospital: Any, today: datetime.date) -> dict[str, ExpressionWrapper]:
    due = cases_due_for_rediscussion(hospital=hospital, on_or_before=today)
    waiting = cases_waiting_for_meeting(hospital=hospital)
    return {
        "rediscussion_due": ExpressionWrapper(
            Q(pk__in=due.order_by().values("agenda_item__case_id")),
            output_field=BooleanField(),
        ),
        "waiting_for_meeting": ExpressionWrapper(
            Q(pk__in=waiting.order_by().values("case_id")), output_field=BooleanField()
        ),
    }


def worklist_cases(
    *,
    user: Any,
    stage: str = "",
    referring_clinician: str = "",
    query: str = "",
    flag: str = "",
    today: datetime.date | None = None,
) -> QuerySet[MdtCase]:
    """The user's hospital's cases with their `stage`, `stage_since` and the flags
    `rediscussion_due` and `waiting_for_meeting`, filtered by stage, referring clinician
    (exact), an MRN or family name (the start of either) and a flag (one of FLAGS), oldest in
    their stage first. One query to build (the readiness policy)."""
    hospital = user_hospital(user)
    today = today or timezone.localdate()
    cases = (
        case_list(user=user)
        # Only what the board shows: none of the case list's other related rows.
        .select_related(None)
        .select_related("patient")
        .only(
            "id",
            "referred_on",
            "referring_clinician",
            "status",
            "facts_updated_at",
            "updated_at",
            "patient__family_name",
            "patient__given_name",
            "patient__mrn",
        )
    )
    if referring_clinician:
        cases = cases.filter(referring_clinician=referring_clinician)
    query = query.strip()
    if query:
        cases = cases.filter(
            Q(patient__mrn__istartswith=query) | Q(patient__family_name__istartswith=query)
        )
    if hospital is None:
        return cases.none()
    flags = _flags(hospital=hospital, today=today)
    if flag in flags:
        cases = cases.filter(flags[flag])
    stages = _stages(hospital=hospital, today=today)
    cases = _with_stage_dates(cases).annotate(stage=_stage(stages), **flags)
    if stage:
        cases = cases.filter(stage=stage)
    return cases.annotate(stage_since=_stage_since(stages)).order_by(
        "stage_since", "referred_on", "id"
    )


def referring_clinicians(*, user: Any) -> list[str]:
    """The referring clinicians named on the hospital's cases, for the filter: one query."""
    return list(
        case_list(user=user)
        .select_related(None)
        .exclude(referring_clinician="")
        .order_by("referring_clinician")
        .values_list("referring_clinician", flat=True)
        .distinct()
    )


def stage_counts(cases: QuerySet[MdtCase]) -> dict[str, int]:
    """How many of `cases` (a `worklist_cases` answer, not filtered by stage) are in each stage,
    every stage listed in order: one query, counting the grouped rows in SQL."""
    sql, params = cases.order_by().values("stage").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT staged.stage, COUNT(*) FROM ({sql}) staged GROUP BY staged.stage",  # noqa: S608
            params,
        )
        counted = dict(cursor.fetchall())
    return {stage: counted.get(stage, 0) for stage in STAGE_ORDER}


def board_columns(cases: QuerySet[MdtCase], *, per_stage: int) -> dict[str, list[BoardCase]]:
    """The `per_stage` oldest cases of each stage (a `worklist_cases` answer): one query, the
    rows numbered within their stage by the database. Plain rows, not model instances: a
    window filter wraps the query, and the patient's columns are read in it."""
    ranked = (
        cases.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stage")],
                order_by=[F("stage_since").asc(), F("referred_on").asc(), F("id").asc()],
            )
        )
        .filter(rank__lte=per_stage)
        .values(
            "id",
            "stage",
            "stage_since",
            "referred_on",
            "patient__family_name",
            "patient__given_name",
            "patient__mrn",
        )
    )
    columns: dict[str, list[BoardCase]] = {stage: [] for stage in STAGE_ORDER}
    for row in ranked:
        columns[row["stage"]].append(
            BoardCase(
                id=row["id"],
                stage=row["stage"],
                stage_since=row["stage_since"],
                referred_on=row["referred_on"],
                patient=BoardPatient(
                    family_name=row["patient__family_name"],
                    given_name=row["patient__given_name"],
                    mrn=row["patient__mrn"],
                ),
            )
        )
    return columns


@dataclass
class BoardPatient:
    family_name: str
    given_name: str
    mrn: str


@dataclass
class BoardCase:
    id: Any
    stage: str
    stage_since: datetime.date | None
    referred_on: datetime.date
    patient: BoardPatient
    days_in_stage: int | None = None


def days_in_stage(case: Any, today: datetime.date) -> int | None:
    since = getattr(case, "stage_since", None)
    return (today - since).days if since is not None else None
