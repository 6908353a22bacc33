"""The readiness checklist of cases, computed against a reference date (the meeting's date, or
today for a case on no agenda), in a constant number of queries for any number of cases.

Each item is **current** (the result exists and, when dated, is no older than the hospital's
limit on the reference date: exactly at the limit is still current), **stale** (dated and older
than the limit; its age is said in words) or **missing**. A case is ready when every item its
hospital requires is current. The items:
- CT chest-abdomen-pelvis and liver MRI: the latest imaging study of that modality
  (`Modality.CT_CHEST_ABDOMEN_PELVIS`, `Modality.MRI`);
- CEA: a level in the biomarkers with the date it was measured (`cea_measured_on`);
- performance status: the ECOG with the date it was assessed (`assessed_on`);
- histology: `PrimaryTumour.histology_confirmed`;
- RAS, BRAF V600E and MSI: none of them unknown;
- the pathway's work-up: the case's newest recommendation snapshot lists no work-up (stale
  when the snapshot was made before the facts changed or on an earlier pathway version,
  missing when there is none).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery

from apps.core.words import lower_words, words
from apps.imaging.choices import Modality
from apps.imaging.models import ImagingStudy
from apps.pathways.registry import CURRENT_VERSION
from apps.patients.choices import BrafStatus, MsiStatus, RasStatus
from apps.patients.models import MdtCase
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.selectors import with_staleness

from .choices import ItemState, ReadinessItem
from .models import ReadinessPolicy

UNKNOWN = {RasStatus.UNKNOWN, BrafStatus.UNKNOWN, MsiStatus.UNKNOWN}
STUDY_ITEMS = {
    Modality.CT_CHEST_ABDOMEN_PELVIS: ReadinessItem.CT_CHEST_ABDOMEN_PELVIS,
    Modality.MRI: ReadinessItem.LIVER_MRI,
}


@dataclass(frozen=True)
class CheckItem:
    """One item of a case's checklist: its state, the date of the result (dated items) and
    what a reader is told about it."""

    code: str
    state: str
    detail: str
    result_on: datetime.date | None = None
    age_days: int | None = None
    limit_weeks: int | None = None

    @property
    def title(self) -> str:
        return words(self.code, "ReadinessItem")

    @property
    def current(self) -> bool:
        return self.state == ItemState.CURRENT

    @property
    def sentence(self) -> str:
        """`Liver MRI: 9 weeks old (limit 6 weeks)`."""
        return f"{self.title}: {self.detail}"


@dataclass(frozen=True)
class Readiness:
    """A case's checklist on a reference date."""

    on: datetime.date
    items: list[CheckItem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(item.current for item in self.items)

    @property
    def outstanding(self) -> list[CheckItem]:
        return [item for item in self.items if not item.current]

    def snapshot(self) -> list[dict[str, Any]]:
        """The items not current, as stored on an agenda item added not ready."""
        return [
            {"code": item.code, "state": item.state, "detail": item.detail}
            for item in self.outstanding
        ]

    def outstanding_words(self) -> str:
        return "; ".join(item.sentence for item in self.outstanding)


def age_words(days: int) -> str:
    """How old a result is, in plain words: `10 days old`, `6 weeks and 1 day old`."""
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} old"
    if days >= 365:
        years, rest = divmod(days, 365)
        months = rest // 30
        text = f"{years} year{'s' if years != 1 else ''}"
        if months:
            text += f" and {months} month{'s' if months != 1 else ''}"
        return f"{text} old"
    weeks, rest = divmod(days, 7)
    text = f"{weeks} weeks"
    if rest:
        text += f" and {rest} day{'s' if rest != 1 else ''}"
    return f"{text} old"


def _date_words(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def readiness_policy(*, hospital: Any) -> ReadinessPolicy:
    """The hospital's policy, or the defaults (unsaved) while it has none."""
    return ReadinessPolicy.objects.filter(hospital=hospital).first() or ReadinessPolicy(
        hospital=hospital
    )


def _dated(
    code: str, result_on: datetime.date | None, on: datetime.date, weeks: int, absent: str
) -> CheckItem:
    if result_on is None:
        return CheckItem(code, ItemState.MISSING, absent, limit_weeks=weeks)
    age = max((on - result_on).days, 0)
    state = ItemState.CURRENT if age <= weeks * 7 else ItemState.STALE
    detail = f"{_date_words(result_on)}, {age_words(age)}"
    if state == ItemState.STALE:
        detail += f" (limit {weeks} weeks)"
    return CheckItem(code, state, detail, result_on, age, weeks)


def _record(case: MdtCase, relation: str) -> Any:
    # Reverse one-to-ones loaded with select_related are None when absent.
    return getattr(case, relation, None)


def _items(
    case: MdtCase,
    on: datetime.date,
    policy: ReadinessPolicy,
    studies: Mapping[str, datetime.date],
    snapshot: RecommendationSnapshot | None,
) -> list[CheckItem]:
    items: list[CheckItem] = []
    for modality, code in STUDY_ITEMS.items():
        if getattr(policy, f"{code}_required"):
            weeks = getattr(policy, f"{code}_weeks")
            items.append(_dated(code, studies.get(modality), on, weeks, "no study recorded"))
    biomarkers = _record(case, "biomarkers")
    if policy.cea_required:
        measured = None
        absent = "no level recorded"
        if biomarkers is not None and biomarkers.cea_ng_ml is not None:
            measured = biomarkers.cea_measured_on
            absent = "recorded without the date it was measured"
        items.append(_dated(ReadinessItem.CEA, measured, on, policy.cea_weeks, absent))
    if policy.performance_status_required:
        performance = _record(case, "performance_status")
        assessed = performance.assessed_on if performance is not None else None
        absent = "not recorded" if performance is None else "recorded without its date"
        items.append(
            _dated(
                ReadinessItem.PERFORMANCE_STATUS,
                assessed,
                on,
                policy.performance_status_weeks,
                absent,
            )
        )
    if policy.histology_required:
        primary = _record(case, "primary_tumour")
        if primary is not None and primary.histology_confirmed:
            items.append(CheckItem(ReadinessItem.HISTOLOGY, ItemState.CURRENT, "confirmed"))
        else:
            items.append(CheckItem(ReadinessItem.HISTOLOGY, ItemState.MISSING, "not confirmed"))
    if policy.molecular_required:
        unknown = []
        if biomarkers is None:
            unknown = ["RAS", "BRAF V600E", "MSI"]
        else:
            for label, value in (
                ("RAS", biomarkers.ras),
                ("BRAF V600E", biomarkers.braf_v600e),
                ("MSI", biomarkers.msi),
            ):
                if value in UNKNOWN:
                    unknown.append(label)
        if unknown:
            detail = f"{', '.join(unknown)} not known"
            items.append(CheckItem(ReadinessItem.MOLECULAR, ItemState.MISSING, detail))
        else:
            items.append(CheckItem(ReadinessItem.MOLECULAR, ItemState.CURRENT, "known"))
    if policy.workup_required:
        items.append(_workup(snapshot))
    return items


def _workup(snapshot: RecommendationSnapshot | None) -> CheckItem:
    code = ReadinessItem.WORKUP
    if snapshot is None:
        return CheckItem(code, ItemState.MISSING, "no recommendation made yet")
    outstanding = [lower_words(finding["code"]) for finding in snapshot.result.get("workup", [])]
    if outstanding:
        return CheckItem(code, ItemState.MISSING, f"still to obtain: {'; '.join(outstanding)}")
    if getattr(snapshot, "stale", False):
        return CheckItem(code, ItemState.STALE, "the recommendation is out of date: recalculate it")
    return CheckItem(code, ItemState.CURRENT, "nothing outstanding")


# The case's records the checklist reads; a caller may load them with the cases
# (select_related), and none is queried again.
CASE_RECORDS = ("biomarkers", "performance_status", "primary_tumour")


def _records_loaded(case: MdtCase) -> bool:
    return MdtCase.patient.is_cached(case) and all(  # type: ignore[attr-defined]
        getattr(MdtCase, relation).is_cached(case) for relation in CASE_RECORDS
    )


def cases_readiness(
    *, cases: Iterable[MdtCase], on: datetime.date | Mapping[Any, datetime.date]
) -> dict[Any, Readiness]:
    """Each case's checklist (by case id), on one date for all or a date per case id. Four
    queries whatever the number of cases (the records, the studies, the snapshots, the
    policies); three when the cases come with their records loaded (`CASE_RECORDS`)."""
    cases = list(cases)
    ids = [case.pk for case in cases]
    if not ids:
        return {}
    if all(_records_loaded(case) for case in cases):
        records = cases  # loaded by the caller (the agenda's rows): no query
    else:
        records = list(
            MdtCase.objects.filter(pk__in=ids).select_related("patient", *CASE_RECORDS).order_by()
        )
    studies: dict[Any, dict[str, datetime.date]] = {}
    for row in (
        ImagingStudy.objects.filter(case_id__in=ids, modality__in=list(STUDY_ITEMS))
        .values("case_id", "modality")
        .annotate(latest=Max("performed_on"))
        .order_by()
    ):
        studies.setdefault(row["case_id"], {})[row["modality"]] = row["latest"]
    # Each case's newest snapshot, by a correlated subquery (portable: no DISTINCT ON).
    newest = (
        RecommendationSnapshot.objects.filter(case_id=OuterRef("case_id"))
        .order_by("-created_at", "-id")
        .values("id")[:1]
    )
    snapshots = {
        snapshot.case_id: snapshot
        for snapshot in with_staleness(
            RecommendationSnapshot.objects.filter(case_id__in=ids, id=Subquery(newest)).only(
                "id", "case_id", "result", "facts_updated_at", "pathway_version", "created_at"
            )
        ).order_by()
    }
    hospitals = {case.patient.hospital_id for case in records}
    policies = {
        policy.hospital_id: policy
        for policy in ReadinessPolicy.objects.filter(hospital_id__in=hospitals)
    }
    result = {}
    for case in records:
        day = on if isinstance(on, datetime.date) else on[case.pk]
        policy = policies.get(case.patient.hospital_id) or ReadinessPolicy(
            hospital_id=case.patient.hospital_id
        )
        items = _items(case, day, policy, studies.get(case.pk, {}), snapshots.get(case.pk))
        result[case.pk] = Readiness(on=day, items=items)
    return result


def case_readiness(*, case: MdtCase, on: datetime.date) -> Readiness:
    return cases_readiness(cases=[case], on=on)[case.pk]


def case_readiness_read(
    *,
    case: MdtCase,
    on: datetime.date,
    studies: Iterable[ImagingStudy],
    snapshot: RecommendationSnapshot | None,
) -> Readiness:
    """The checklist of one case from what its page has read already: the case with its
    records (`CASE_RECORDS`) and patient, every study of the case, and its newest snapshot with
    its staleness (`recommendation_latest` or `recommendation_latest_read` of
    `apps.recommendations.selectors`), or None. One query (the policy); the same answer as
    `case_readiness`."""
    latest: dict[str, datetime.date] = {}
    for study in studies:
        if study.modality in STUDY_ITEMS:
            known = latest.get(study.modality)
            if known is None or study.performed_on > known:
                latest[study.modality] = study.performed_on
    hospital_id = case.patient.hospital_id
    policy = ReadinessPolicy.objects.filter(hospital_id=hospital_id).first() or ReadinessPolicy(
        hospital_id=hospital_id
    )
    return Readiness(on=on, items=_items(case, on, policy, latest, snapshot))


def ready_cases(*, policy: ReadinessPolicy, on: datetime.date) -> QuerySet[MdtCase]:
    """The ids of the policy's hospital's cases that are ready on `on` (`values("pk")`): the
    checklist of `cases_readiness` written as conditions on the database, for lists that stage
    thousands of cases in one query (the worklist). The same rules, the same limits: a dated
    result is current when it is no older than the limit on `on` (so `on - limit` or later);
    the latest study of a modality counts, so any study on or after the cut-off does; the
    work-up item needs the case's newest snapshot to be current (on the case's facts, by the
    pathway in use) and to list no work-up. tests/readiness/test_ready_cases.py checks that
    both answers agree, either way.

    Used as `pk__in=ready_cases(...)`: not correlated with the outer query, so PostgreSQL
    computes it once (a hashed subplan) rather than once a case; the dated conditions keep it
    to the recent cases."""

    def cutoff(weeks: int) -> datetime.date:
        return on - datetime.timedelta(days=weeks * 7)

    condition = Q(patient__hospital_id=policy.hospital_id)
    for modality, code in STUDY_ITEMS.items():
        if getattr(policy, f"{code}_required"):
            recent = ImagingStudy.objects.filter(
                case=OuterRef("pk"),
                modality=modality,
                performed_on__gte=cutoff(getattr(policy, f"{code}_weeks")),
            )
            condition &= Q(Exists(recent))
    if policy.cea_required:
        condition &= Q(
            biomarkers__cea_ng_ml__isnull=False,
            biomarkers__cea_measured_on__gte=cutoff(policy.cea_weeks),
        )
    if policy.performance_status_required:
        condition &= Q(performance_status__assessed_on__gte=cutoff(policy.performance_status_weeks))
    if policy.histology_required:
        condition &= Q(primary_tumour__histology_confirmed=True)
    if policy.molecular_required:
        condition &= Q(biomarkers__isnull=False) & ~Q(
            Q(biomarkers__ras=RasStatus.UNKNOWN)
            | Q(biomarkers__braf_v600e=BrafStatus.UNKNOWN)
            | Q(biomarkers__msi=MsiStatus.UNKNOWN)
        )
    if policy.workup_required:
        newer = RecommendationSnapshot.objects.filter(case=OuterRef("case")).filter(
            Q(created_at__gt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id"))
        )
        newest_complete = RecommendationSnapshot.objects.filter(
            Q(result__workup=[]) | Q(result__workup__isnull=True),
            # Not stale: the facts did not change after they were read (as `with_staleness`).
            Q(facts_updated_at__gte=F("case__facts_updated_at"))
            | Q(facts_updated_at__isnull=True)
            | Q(case__facts_updated_at__isnull=True),
            case=OuterRef("pk"),
            pathway_version=CURRENT_VERSION,
        ).filter(~Exists(newer))
        condition &= Q(Exists(newest_complete))
    return MdtCase.objects.filter(condition).order_by().values("pk")


def ready_condition(*, hospital: Any, on: datetime.date) -> Q:
    """`Q` on `MdtCase` rows: ready on `on` by the hospital's policy (one query, the policy)."""
    return Q(pk__in=ready_cases(policy=readiness_policy(hospital=hospital), on=on))
