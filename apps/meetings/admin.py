"""Meetings in the admin are read-only: every write goes through the services, which keep the
agenda, votes and signed decisions consistent and audited."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import AgendaItem, Attendance, Decision, Meeting


class ReadOnlyMixin:
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def history_form_view(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # django-simple-history saves a POST to an old version's page ("revert") after checking
        # only the permission to view history: a signed decision must not be revertible there.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, *args, **kwargs)  # type: ignore[misc]


class AgendaItemInline(ReadOnlyMixin, admin.TabularInline):
    model = AgendaItem
    fk_name = "meeting"
    fields = ["position", "case", "presenter", "moved_to"]
    extra = 0


class AttendanceInline(ReadOnlyMixin, admin.TabularInline):
    model = Attendance
    fields = ["user", "name", "specialty"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["title", "scheduled_for", "status", "hospital"]
    list_filter = ["status", "hospital"]
    inlines = [AttendanceInline, AgendaItemInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["agenda_item", "version", "agreement", "intent", "quorate", "signed_off_at"]
    list_filter = ["agreement", "intent", "quorate"]
