"""Reads: a case, or a meeting's agenda, as a FHIR Bundle (type collection). The case or meeting
comes already scoped to the user (`apps.patients.selectors.case_list`,
`apps.meetings.selectors.meeting_get`)."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from apps.casefacts.selectors import case_facts, case_with_facts
from apps.core.exceptions import ApplicationError
from apps.meetings.models import AgendaItem, Decision, Meeting
from apps.pathways.facts import FactsValidationError
from apps.patients.models import MdtCase
from apps.recommendations.selectors import recommendation_latest

from .export_board import decision_resources, discussion_resource, recommendation_resource
from .export_facts import FactsExport, patient_resource, referral_resource
from .resources import Entries, stable_uuid


def _agenda_items(items: QuerySet[AgendaItem]) -> list[AgendaItem]:
    return list(
        items.select_related("meeting", "treatment_given")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("version")))
        .order_by("meeting__scheduled_for", "position")
    )


def _case_entries(entries: Entries, case: MdtCase, items: list[AgendaItem]) -> None:
    case = case_with_facts(case=case)
    try:
        facts = case_facts(case=case)
    except FactsValidationError as error:
        raise ApplicationError(
            "The case's recorded facts are not a valid pathway input; correct them first.",
            errors={f"facts.{path}": messages for path, messages in error.errors.items()},
            status=409,
        ) from error
    subject = patient_resource(entries, case)
    referral_resource(entries, case, subject)
    addresses: list[str] = []
    if facts is not None:
        FactsExport(entries, case, facts, subject).run()
        addresses = [f"urn:uuid:{stable_uuid(case.id, key)}" for key in ("primary", "liver")]
    snapshot = recommendation_latest(case=case)
    exported = None
    if snapshot is not None:
        exported = (snapshot.id, recommendation_resource(entries, snapshot, subject))
    for item in items:
        discussion_resource(entries, item, subject)
        decision_resources(entries, item, subject, addresses, exported)


def _bundle(entries: Entries, key: str) -> Bundle:
    now = timezone.now()
    bundle_id = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:tumorboard:bundle:{key}:{now.isoformat()}")
    return entries.bundle(bundle_id=bundle_id, timestamp=now.isoformat())


def case_bundle(*, case: MdtCase) -> Bundle:
    """The case: patient, referral, clinical facts, newest recommendation, and every
    discussion of it with the decision's versions."""
    entries = Entries()
    _case_entries(entries, case, _agenda_items(AgendaItem.objects.filter(case=case)))
    return _bundle(entries, f"case:{case.id}")


def meeting_bundle(*, meeting: Meeting) -> Bundle:
    """Every case on the meeting's agenda as `case_bundle` gives it, with this meeting's
    discussion and decision only."""
    entries = Entries()
    items = _agenda_items(
        AgendaItem.objects.filter(meeting=meeting).select_related("case__patient")
    )
    for item in items:
        _case_entries(entries, item.case, [item])
    return _bundle(entries, f"meeting:{meeting.id}")
