"""Reads of meetings, scoped to the user's hospital."""

from typing import Any

from django.db.models import QuerySet

from apps.core.roles import user_hospital

from .models import AgendaItem, Meeting


def meeting_list(*, user: Any) -> QuerySet[Meeting]:
    hospital = user_hospital(user)
    if hospital is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(hospital=hospital).select_related("chair")


def agenda_list(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.agenda_items.select_related("case__patient", "presenter").order_by("position")
