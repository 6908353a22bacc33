"""The case worklist: every case of the hospital by stage, from referral to closure.

A case is in the *last* stage it has reached, tested from the end of the way back:

    closed            closed or withdrawn (CaseStatus)
    on an agenda      listed, undiscussed, on a meeting that is scheduled or in progress
    follow-up         `is_in_follow_up`      (a hook: False until treatment records exist)
    treatment started `has_started_treatment` (a hook: False until treatment records exist)
    discussed         a decision recorded where the case stayed on a meeting's agenda
    ready             `is_ready`             (a hook: facts and a current recommendation)
    in preparation    facts recorded
    referred          none of the above

"On an agenda" comes before the later stages: a case listed again (for re-discussion) is the
coordinator's business this week, whatever happened before.

Each stage test is one function answering a condition on `MdtCase` rows (a `Q` or boolean
expression), so the stage of every case is computed in one query however many cases there are,
and a test is replaced in one place: the readiness checklist replaces `is_ready`, the treatment
records `has_started_treatment` and `is_in_follow_up`.

Days in stage count from `stage_since`: the referral date (referred), the last change of the
facts (in preparation), the newest current recommendation (ready), the listing on the agenda
(on an agenda), the last meeting that discussed the case (discussed), the last change of the
case (closed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate

from apps.meetings.choices import MeetingStatus
from apps.meetings.models import AgendaItem, Decision
from apps.pathways.registry import CURRENT_VERSION
from apps.patients.choices import FINISHED_STATUSES, CaseStatus
from apps.patients.models import MdtCase
from apps.patients.selectors import case_list
from apps.recommendations.models import RecommendationSnapshot

from .choices import WorklistStage

STAGE_ORDER = list(WorklistStage.values)


def _current_recommendations() -> QuerySet[RecommendationSnapshot]:
    """The case's recommendations made on its current facts by the pathway version in use."""
    return RecommendationSnapshot.objects.filter(
        case=OuterRef("pk"),
        facts_updated_at__gte=OuterRef("facts_updated_at"),
        pathway_version=CURRENT_VERSION,
    )


def is_ready() -> Q:
    """Ready for the board. For now: facts recorded and a current recommendation (made on these
    facts by the pathway in use). The readiness checklist (imaging, CEA, performance status,
    histology, biomarkers within their freshness limits) replaces this test."""
    return Q(facts_updated_at__isnull=False) & Q(Exists(_current_recommendations()))


def has_started_treatment() -> Q:
    """Treatment started after the board's decision. No record of the treatment given exists
    yet, so no case is in this stage; the treatment records replace this test."""
    return Q(pk__in=[])


def is_in_follow_up() -> Q:
    """In follow-up after treatment. Like `has_started_treatment`, waits for the treatment
    records."""
    return Q(pk__in=[])


def _open_listings() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        case=OuterRef("pk"),
        moved_to__isnull=True,
        meeting__status__in=[MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS],
    ).exclude(Exists(Decision.objects.filter(agenda_item=OuterRef("pk"))))


def _discussions() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        case=OuterRef("pk"),
        moved_to__isnull=True,
        pk__in=Decision.objects.values("agenda_item"),
    )


def _stage() -> Case:
    return Case(
        When(status__in=FINISHED_STATUSES, then=Value(WorklistStage.CLOSED.value)),
        When(Exists(_open_listings()), then=Value(WorklistStage.ON_AGENDA.value)),
        When(is_in_follow_up(), then=Value(WorklistStage.FOLLOW_UP.value)),
        When(has_started_treatment(), then=Value(WorklistStage.TREATMENT_STARTED.value)),
        When(
            Q(status=CaseStatus.DISCUSSED) | Q(Exists(_discussions())),
            then=Value(WorklistStage.DISCUSSED.value),
        ),
        When(is_ready(), then=Value(WorklistStage.READY.value)),
        When(facts_updated_at__isnull=False, then=Value(WorklistStage.IN_PREPARATION.value)),
        default=Value(WorklistStage.REFERRED.value),
        output_field=CharField(),
    )


def _first_date(queryset: QuerySet[Any], moment: str, *, newest: bool) -> Subquery:
    ordered = queryset.order_by(f"-{moment}" if newest else moment)
    return Subquery(ordered.values(day=TruncDate(moment))[:1], output_field=DateField())


def _stage_since() -> Case:
    return Case(
        When(stage=WorklistStage.CLOSED, then=TruncDate("updated_at")),
        When(
            stage=WorklistStage.ON_AGENDA,
            then=_first_date(_open_listings(), "created_at", newest=False),
        ),
        When(
            stage=WorklistStage.DISCUSSED,
            then=_first_date(_discussions(), "meeting__scheduled_for", newest=True),
        ),
        When(
            stage=WorklistStage.READY,
            then=_first_date(_current_recommendations(), "created_at", newest=True),
        ),
        When(stage=WorklistStage.IN_PREPARATION, then=TruncDate("facts_updated_at")),
        default=F("referred_on"),
        output_field=DateField(),
    )


def worklist_cases(
    *, user: Any, stage: str = "", referring_clinician: str = "", query: str = ""
) -> QuerySet[MdtCase]:
    """The user's hospital's cases with their `stage` and `stage_since`, filtered by stage,
    referring clinician (exact) and an MRN or family name (the start of either), oldest in
    their stage first."""
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
    cases = cases.annotate(stage=_stage())
    if stage:
        cases = cases.filter(stage=stage)
    return cases.annotate(stage_since=_stage_since()).order_by("stage_since", "referred_on", "id")


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
    """How many of `cases` (a `worklist_cases` answer) are in each stage, every stage listed
    in order: one query."""
    counted = dict(
        cases.order_by().values("stage").annotate(count=Count("pk")).values_list("stage", "count")
    )
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
