"""A case's history across meetings: every agenda it was on, in meeting order, with what became
of it there (postponed and why, carried on or waiting for a meeting, votes, the decision and its
versions). The caller fetches the case with
`apps.patients.selectors.case_list(user=...)`; a case's agenda items are only ever on its own
hospital's meetings, so nothing further needs scoping."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from apps.patients.models import MdtCase

from ..models import AgendaItem, Decision


def case_meetings(*, case: MdtCase) -> QuerySet[AgendaItem]:
    """The case's agenda items ordered by meeting date, each annotated with `votes_recorded` and
    with its decision versions prefetched: two queries however many meetings."""
    return (
        AgendaItem.objects.filter(case=case)
        .select_related("meeting", "case", "moved_to", "postponed_by", "carried_from__meeting")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("version")))
        .annotate(votes_recorded=Count("votes"))
        .order_by("meeting__scheduled_for", "meeting__created_at", "id")
    )
