"""Administration of the EHR clients: an administrator configures each client's issuer, public
key, algorithms and hospital (or runs `manage.py cds_client_keys` to make a key pair). Cards and
feedback are read-only here: they are the record of what was answered and done."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CdsCard, CdsClient, CdsFeedback


@admin.register(CdsClient)
class CdsClientAdmin(SimpleHistoryAdmin):
    list_display = ("name", "issuer", "hospital", "active", "created_at")
    list_filter = ("active", "hospital")
    search_fields = ("name", "issuer")


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CdsCard)
class CdsCardAdmin(ReadOnlyAdmin):
    list_display = ("id", "client", "primary_code", "pathway_version", "indicator", "created_at")
    list_filter = ("client", "indicator")


@admin.register(CdsFeedback)
class CdsFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("card", "outcome", "override_reason_code", "outcome_timestamp")
    list_filter = ("outcome",)
