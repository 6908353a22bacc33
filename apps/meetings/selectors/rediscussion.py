"""Reads of re-discussion: a signed decision may ask for the case back on or after a date
(`Decision.rediscuss_on`, with `rediscuss_reason`: "restage after 4 cycles"). The request is
pending while it is the case's current decision (newest version) and the case is on no agenda
of a meeting after the one that decided it, and the case is not closed or withdrawn.

The meeting page proposes the due cases; the worklist and the tasks inbox list them. Each
answer is a queryset of `Decision` (the request) with `agenda_item__case__patient` and
`agenda_item__meeting` (the meeting that asked) selected: the case is
`decision.agenda_item.case`, due on `decision.rediscuss_on`, because `decision.rediscuss_reason`.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet

from apps.core.models import Hospital
from apps.patients.choices import FINISHED_STATUSES
from apps.patients.models import MdtCase

from ..models import AgendaItem, Decision

# How far ahead the worklist and the coordinators' tasks list the cases coming due: a week, the
# time to put a case on the next weekly meeting.
REDISCUSSION_LOOK_AHEAD = datetime.timedelta(days=7)


def _pending_requests() -> QuerySet[Decision]:
    newer_version = Decision.objects.filter(
        agenda_item=OuterRef("agenda_item"), version__gt=OuterRef("version")
    )
    later_agenda = AgendaItem.objects.filter(
        case=OuterRef("agenda_item__case"),
        meeting__scheduled_for__gt=OuterRef("agenda_item__meeting__scheduled_for"),
    )
    return (
        Decision.objects.filter(rediscuss_on__isnull=False, signed_off_at__isnull=False)
        .exclude(agenda_item__case__status__in=FINISHED_STATUSES)
        .filter(~Exists(newer_version), ~Exists(later_agenda))
        .select_related("agenda_item__case__patient", "agenda_item__meeting")
    )


def cases_due_for_rediscussion(
    *, hospital: Hospital, on_or_before: datetime.date
) -> QuerySet[Decision]:
    """The hospital's cases due for re-discussion on or before `on_or_before` and not already
    on a later agenda, soonest due first: one `Decision` (the request) per case, see the
    module docstring. The caller passes the user's hospital (apps.core.roles.user_hospital)."""
    return (
        _pending_requests()
        .filter(agenda_item__meeting__hospital=hospital, rediscuss_on__lte=on_or_before)
        .order_by("rediscuss_on", "created_at")
    )


def case_rediscussion(*, case: MdtCase) -> Decision | None:
    """The case's pending request for re-discussion (due or not yet), or None. The caller has
    fetched the case through a selector scoped to the user."""
    return _pending_requests().filter(agenda_item__case=case).order_by("-rediscuss_on").first()
