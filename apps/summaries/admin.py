"""Printable summaries in the admin: generated documents, read-only; their state is shown and
the PDFs are downloaded through the API."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from apps.meetings.admin import ReadOnlyMixin

from .models import MeetingSummary, MeetingSummaryLetter


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
