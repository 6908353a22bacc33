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

Stored, not computed on each request: at 50,000 cases the stage of every case costs about
0.4 s a query (bench/scale.py). `CaseStage` (apps/analytics/models.py) keeps each case's stage,
its date and the two flags, computed by the same tests (`_store_stages`). Every audited
change leaves a mark on the cases it touches, in its own transaction (apps/analytics/marks.py);
a read first recomputes the marked cases (`current_stages`), and every case once a day, for
what moves with the date alone (readiness going stale, follow-up), a new pathway version or a
changed readiness policy (`refresh_hospital_stages`, also the nightly task). A list for a day
other than today is computed from the records in the query itself, as the stored rows are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate
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
from .models import CaseStage, CaseStageMark, HospitalStages

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
    their stage first.

    For today, the stages stored beside the cases, brought up to date first
    (`current_stages`: two small queries when nothing changed); for another day, computed from
    the records in the query itself (the same tests, `_stages`)."""
    hospital = user_hospital(user)
    current_day = timezone.localdate()
    today = today or current_day
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
    if today != current_day:
        return _computed_worklist(cases, hospital=hospital, today=today, stage=stage, flag=flag)
    current_stages(hospital=hospital, today=today)
    flags = {
        "rediscussion_due": Q(worklist_stage__rediscuss_on__lte=today),
        "waiting_for_meeting": Q(worklist_stage__waiting_for_meeting=True),
    }
    cases = cases.filter(worklist_stage__hospital=hospital)
    if flag in flags:
        cases = cases.filter(flags[flag])
    if stage:
        cases = cases.filter(worklist_stage__stage=stage)
    return cases.annotate(
        stage=F("worklist_stage__stage"),
        stage_since=F("worklist_stage__stage_since"),
        # No request (NULL) is not due: false, not unknown.
        rediscussion_due=Case(
            When(flags["rediscussion_due"], then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        waiting_for_meeting=F("worklist_stage__waiting_for_meeting"),
    ).order_by(
        "worklist_stage__stage_since", "worklist_stage__referred_on", "worklist_stage__case_id"
    )


def _computed_worklist(
    cases: QuerySet[MdtCase], *, hospital: Any, today: datetime.date, stage: str, flag: str
) -> QuerySet[MdtCase]:
    """`worklist_cases` computed from the records on `today` (no stored stage read)."""
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


STORED_COLUMNS = (
    "hospital_id",
    "stage",
    "stage_since",
    "referred_on",
    "referring_clinician",
    "rediscussion_id",
    "rediscuss_on",
    "waiting_for_meeting",
    "computed_on",
)


def _store_stages(*, hospital: Any, today: datetime.date, case_ids: set[Any] | None = None) -> int:
    """Compute the stage rows of the hospital's cases (or of `case_ids` among them) from their
    records on `today` and store them: one statement, the stages (`_stages`), the pending
    requests for re-discussion (the soonest due of each case) and the postponed cases waiting
    joined in SQL and written over the stored rows, whatever the number of cases (rows made
    in Python cost ten times the query at 50,000 cases). The number of rows written."""
    cases = MdtCase.objects.filter(patient__hospital=hospital)
    requests = cases_due_for_rediscussion(hospital=hospital, on_or_before=datetime.date.max)
    waiting = cases_waiting_for_meeting(hospital=hospital)
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
        requests = requests.filter(agenda_item__case_id__in=case_ids)
        waiting = waiting.filter(case_id__in=case_ids)
    stages = _stages(hospital=hospital, today=today)
    staged_sql, staged_params = (
        _with_stage_dates(cases.order_by())
        .annotate(
            stage=_stage(stages),
            stage_since=_stage_since(stages),
            case_ref=F("id"),
            referred=F("referred_on"),
            clinician=F("referring_clinician"),
        )
        .values("case_ref", "stage", "stage_since", "referred", "clinician")
        .query.sql_with_params()
    )
    requests_sql, requests_params = (
        requests.order_by()
        .annotate(
            request_id=F("id"),
            case_ref=F("agenda_item__case_id"),
            due_on=F("rediscuss_on"),
            asked_at=F("created_at"),
        )
        .values("request_id", "case_ref", "due_on", "asked_at")
        .query.sql_with_params()
    )
    waiting_sql, waiting_params = (
        waiting.order_by()
        .annotate(case_ref=F("case_id"))
        .values("case_ref")
        .query.sql_with_params()
    )
    table = CaseStage._meta.db_table
    columns = ", ".join(STORED_COLUMNS)
    updates = ", ".join(f"{column} = excluded.{column}" for column in STORED_COLUMNS)
    # `WHERE 1 = 1`: SQLite reads the ON of an upsert after a join otherwise.
    sql = f"""
        INSERT INTO {table} (case_id, {columns})
        SELECT staged.case_ref, %s, staged.stage, staged.stage_since, staged.referred,
               staged.clinician, pending.request_id, pending.due_on,
               staged.case_ref IN (SELECT waiting.case_ref FROM ({waiting_sql}) waiting), %s
        FROM ({staged_sql}) staged
        LEFT JOIN (
            SELECT ranked.case_ref, ranked.request_id, ranked.due_on
            FROM (
                SELECT requested.*, ROW_NUMBER() OVER (
                    PARTITION BY requested.case_ref
                    ORDER BY requested.due_on, requested.asked_at
                ) AS soonest
                FROM ({requests_sql}) requested
            ) ranked
            WHERE ranked.soonest = 1
        ) pending ON pending.case_ref = staged.case_ref
        WHERE 1 = 1
        ON CONFLICT (case_id) DO UPDATE SET {updates}
    """  # noqa: S608 (table and column names are the model's; values are parameters)
    hospital_id = CaseStage._meta.get_field("hospital").get_db_prep_value(hospital.pk, connection)
    day = CaseStage._meta.get_field("computed_on").get_db_prep_value(today, connection)
    params = (hospital_id, *waiting_params, day, *staged_params, *requests_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _marks(hospital: Any) -> list[tuple[int, Any]]:
    return list(
        CaseStageMark.objects.filter(case__patient__hospital=hospital).values_list("id", "case_id")
    )


def rediscussions_due(
    *, hospital: Any, on_or_before: datetime.date, limit: int | None = None
) -> QuerySet[Any]:
    """`cases_due_for_rediscussion` (the requests, soonest due first; the caller keeps the
    first `limit` of them) read among the requests the stored stages hold (`current_stages`
    first): the pending requests of ten years of decisions are not walked again on each
    request. Each request is still checked against its records, so a stored row can only
    narrow the list.

    The candidates are passed as ids, not a subquery (the planner would walk every request
    first and meet the stored ones after), and with a `limit` only the soonest due: those up to
    the date of the `limit`-th, ties included, since the list's own order breaks them."""
    stored = list(
        CaseStage.objects.filter(
            hospital=hospital, rediscuss_on__lte=on_or_before, rediscussion__isnull=False
        )
        .order_by("rediscuss_on")
        .values_list("rediscussion_id", "rediscuss_on")
    )
    if limit is not None and len(stored) > limit:
        last_date = stored[limit - 1][1]
        stored = [(request, due) for request, due in stored if due <= last_date]
    return cases_due_for_rediscussion(hospital=hospital, on_or_before=on_or_before).filter(
        pk__in=[request for request, _ in stored]
    )


def waiting_for_meeting(*, hospital: Any, limit: int) -> list[Any]:
    """`cases_waiting_for_meeting` (longest waiting first, the first `limit`) read among the
    cases the stored stages say are waiting, each checked against its records."""
    stored = list(
        CaseStage.objects.filter(hospital=hospital, waiting_for_meeting=True).values_list(
            "case_id", flat=True
        )
    )
    return list(cases_waiting_for_meeting(hospital=hospital).filter(case_id__in=stored)[:limit])


def refresh_hospital_stages(*, hospital: Any, today: datetime.date | None = None) -> int:
    """Compute every case of the hospital again and store it (the daily job, a new pathway
    version, a changed readiness policy): the number of cases. One hospital at a time (a
    lock on its row), so two requests at the start of a day compute it once."""
    today = today or timezone.localdate()
    with transaction.atomic():
        HospitalStages.objects.get_or_create(hospital=hospital)
        state = HospitalStages.objects.select_for_update().get(hospital=hospital)
        marks = _marks(hospital)
        staged = _store_stages(hospital=hospital, today=today)
        CaseStageMark.objects.filter(pk__in=[mark_id for mark_id, _ in marks]).delete()
        # Marks of cases deleted since: they belong to no hospital any more.
        CaseStageMark.objects.exclude(case_id__in=MdtCase.objects.values("pk")).delete()
        state.computed_on = today
        state.pathway_version = CURRENT_VERSION
        state.save(update_fields=["computed_on", "pathway_version"])
    if connection.vendor == "postgresql":
        # Every row was written again: the planner's statistics follow now, not whenever
        # autovacuum comes by (a stage's share decides between an index and a scan).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CaseStage._meta.db_table}")
    return staged


def current_stages(*, hospital: Any, today: datetime.date) -> None:
    """Bring the hospital's stored stages up to date for `today`: every case once a day (or
    after a new pathway version or readiness policy), else the cases marked as changed
    (apps/analytics/marks.py). Nothing changed: two small queries."""
    state = HospitalStages.objects.filter(hospital=hospital).first()
    if state is None or state.computed_on != today or state.pathway_version != CURRENT_VERSION:
        refresh_hospital_stages(hospital=hospital, today=today)
        return
    if not _marks(hospital):
        return
    with transaction.atomic():
        # One refresh at a time: a slower one would otherwise store what it read before a
        # faster one stored a newer change, and take the newer change's mark away.
        HospitalStages.objects.select_for_update().get(hospital=hospital)
        marks = _marks(hospital)
        if marks:
            _store_stages(hospital=hospital, today=today, case_ids={case for _, case in marks})
            CaseStageMark.objects.filter(pk__in=[mark_id for mark_id, _ in marks]).delete()


def referring_clinicians(*, user: Any) -> list[str]:
    """The referring clinicians named on the hospital's cases, for the filter: read from the
    stored stages' copy (an index), brought up to date first."""
    hospital = user_hospital(user)
    if hospital is None:
        return []
    current_stages(hospital=hospital, today=timezone.localdate())
    return list(
        CaseStage.objects.filter(hospital=hospital)
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


def worklist_counts(
    *,
    user: Any,
    referring_clinician: str = "",
    query: str = "",
    flag: str = "",
    today: datetime.date | None = None,
) -> dict[str, int]:
    """`stage_counts` of the `worklist_cases` with these filters. For today without a
    clinician or a search, counted from the stored stages alone (an index-only count of the
    hospital's rows, not a join of every case to its records and patient)."""
    hospital = user_hospital(user)
    if (
        hospital is None
        or referring_clinician
        or query.strip()
        or (today not in (None, timezone.localdate()))
    ):
        return stage_counts(
            worklist_cases(
                user=user,
                referring_clinician=referring_clinician,
                query=query,
                flag=flag,
                today=today,
            )
        )
    today = timezone.localdate()
    current_stages(hospital=hospital, today=today)
    rows = CaseStage.objects.filter(hospital=hospital)
    if flag == "rediscussion_due":
        rows = rows.filter(rediscuss_on__lte=today)
    elif flag == "waiting_for_meeting":
        rows = rows.filter(waiting_for_meeting=True)
    counted = dict(rows.order_by().values_list("stage").annotate(count=Count("pk")))
    return {stage: counted.get(stage, 0) for stage in STAGE_ORDER}


def board_columns(cases: QuerySet[MdtCase], *, per_stage: int) -> dict[str, list[BoardCase]]:
    """The `per_stage` oldest cases of each stage (a `worklist_cases` answer): one query (on
    PostgreSQL), the union of each stage's first rows, each read in the order of the stored
    stages' index. Plain rows, not model instances: the patient's columns are read in it."""
    fields = (
        "id",
        "stage",
        "stage_since",
        "referred_on",
        "patient__family_name",
        "patient__given_name",
        "patient__mrn",
    )
    ordering = cases.query.order_by
    firsts = [
        cases.filter(stage=stage).order_by(*ordering).values(*fields)[:per_stage]
        for stage in STAGE_ORDER
    ]
    columns: dict[str, list[BoardCase]] = {stage: [] for stage in STAGE_ORDER}
    if connection.features.supports_slicing_ordering_in_compound:
        rows: Any = firsts[0].union(*firsts[1:], all=True)
    else:  # SQLite: a query a stage
        rows = [row for first in firsts for row in first]
    for row in rows:
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
    for column in columns.values():
        # The union keeps each stage's rows together, not necessarily in their order.
        column.sort(
            key=lambda case: (
                case.stage_since is None,  # last, as the database sorts them
                case.stage_since or datetime.date.min,
                case.referred_on,
                case.id,
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
