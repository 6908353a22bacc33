"""Which cases a change touches, for the worklist's stored stages (apps/analytics/models.py).

Every change to clinical data is audited by django-simple-history, which announces each
history row it writes (`post_create_historical_record`). This module listens and leaves a mark
on each case whose stage the change may move, in the same transaction as the change: the
worklist recomputes the marked cases at its next read (apps/analytics/worklist.py,
`current_stages`). A change the audit sees is therefore a change the worklist sees, whichever
service, admin page or script made it; a change that bypasses the audit (a bulk `update()`)
is caught by the daily recomputation of every case.

What moves a stage: the case itself (status, facts, referral date), any of its facts (imaging,
biomarkers, performance status, primary tumour, ...), its recommendations, its agenda items, the
meetings they are on (a meeting opening or being signed off), their decisions and treatment
records, the patient (the birth date moves every case's facts), and the hospital's readiness
policy (every case of the hospital, at the next read). Votes, actions and attendance do not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from apps.meetings.models import AgendaItem, Decision, Meeting, TreatmentGiven
from apps.patients.models import MdtCase, Patient
from apps.readiness.models import ReadinessPolicy

from .models import CaseStageMark, HospitalStages

CaseIds = list[Any] | QuerySet[Any]


def _of_case(instance: Any) -> CaseIds:
    return [instance.case_id]


def _of_agenda_item(instance: Any) -> CaseIds:
    return AgendaItem.objects.filter(pk=instance.agenda_item_id).values("case_id")


# The records whose changes move a case's stage other than by a `case` column, and how to find
# their cases (a list of ids, or a query answering them).
_CASES_OF: dict[type, Callable[[Any], CaseIds]] = {
    Patient: lambda patient: MdtCase.objects.filter(patient_id=patient.pk).values("id"),
    Meeting: lambda meeting: AgendaItem.objects.filter(meeting_id=meeting.pk).values("case_id"),
    Decision: _of_agenda_item,
    TreatmentGiven: _of_agenda_item,
    AgendaItem: _of_case,
}


def _case_ids(instance: Any, history_type: str) -> CaseIds:
    model = type(instance)
    if model is MdtCase:
        # A deleted case takes its stored stage with it.
        return [] if history_type == "-" else [instance.pk]
    if model in _CASES_OF:
        return _CASES_OF[model](instance)
    case_field = next(
        (
            field
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is MdtCase
        ),
        None,
    )
    # Records of a case (its facts, studies, recommendations) name it; the others (votes,
    # actions, attendance) do not move a stage, nor a record whose case is optional and empty.
    case_id = getattr(instance, case_field.attname) if case_field is not None else None
    return [case_id] if case_id is not None else []


def mark(case_ids: CaseIds, *, using: str = "default") -> None:
    """Leave a mark on each case (ids, or a query of one column answering them)."""
    if isinstance(case_ids, QuerySet):
        sql, params = case_ids.order_by().query.sql_with_params()
        table = CaseStageMark._meta.db_table
        with connections[using].cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} (case_id) {sql}", params)
    elif case_ids:
        CaseStageMark.objects.using(using).bulk_create(
            [CaseStageMark(case_id=case_id) for case_id in case_ids]
        )


def on_history_record(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """Receiver of `post_create_historical_record`: mark the cases the change touches."""
    using = kwargs.get("using") or "default"
    if isinstance(instance, ReadinessPolicy):
        HospitalStages.objects.using(using).filter(hospital_id=instance.hospital_id).update(
            computed_on=None
        )
        return
    mark(_case_ids(instance, history_instance.history_type), using=using)
