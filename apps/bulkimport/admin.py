"""Referral imports in the admin, read-only: an administrator sees which imports ran, by whom,
how far they got and why one failed. The file and its rows (patient data) are not shown here;
the coordinators' page shows them to the hospital's coordinators."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ReferralImport


@admin.register(ReferralImport)
class ReferralImportAdmin(SimpleHistoryAdmin):
    list_display = [
        "created_at",
        "hospital",
        "uploaded_by",
        "filename",
        "status",
        "total",
        "processed",
        "error_rows",
    ]
    list_filter = ["status", "hospital"]
    fields = [
        "hospital",
        "uploaded_by",
        "confirmed_by",
        "filename",
        "status",
        "total",
        "processed",
        "error_rows",
        "error",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
