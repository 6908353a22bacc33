"""Meetings in the admin are read-only: every write goes through the services, which keep the
agenda, votes and signed decisions consistent and audited."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from simple_history.admin import SimpleHistoryAdmin

from .models import AgendaItem, Attendance, Decision, Meeting, MeetingSummary, MeetingSummaryLetter


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


class MeetingSummaryLetterInline(ReadOnlyMixin, admin.TabularInline):
    model = MeetingSummaryLetter
    fields = ["position", "patient", "agenda_item", "checksum", "size", "created_at"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: Any) -> QuerySet[MeetingSummaryLetter]:
        # The PDFs are never shown here; a meeting's letters weigh megabytes.
        return super().get_queryset(request).defer("pdf")


@admin.register(MeetingSummary)
class MeetingSummaryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Generated documents: their state is shown, the PDFs are downloaded through the API."""

    list_display = ["meeting", "version", "status", "draft", "attempts", "created_at"]
    list_filter = ["status", "draft"]
    exclude = ["pdf", "data"]
    readonly_fields = [
        "meeting",
        "version",
        "status",
        "draft",
        "error",
        "content_key",
        "checksum",
        "size",
        "attempts",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
    ]
    inlines = [MeetingSummaryLetterInline]

    def get_queryset(self, request: Any) -> QuerySet[MeetingSummary]:
        # `exclude` only hides the fields from the form: without the deferral every row of the
        # list (and the change page) would still load its PDF and its data.
        return super().get_queryset(request).defer("pdf", "data")
