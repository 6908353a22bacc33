"""Panels and their rosters in the admin (the administrator's place to manage them); the
referrals are read-only here, as their rounds are the services' to move."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ExpertPanel, PanelMember, PanelReferral


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "is_chair", "active"]


@admin.register(ExpertPanel)
class ExpertPanelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "review_days", "rereview_weeks", "active"]
    filter_horizontal = ["hospitals"]
    inlines = [PanelMemberInline]


@admin.register(PanelReferral)
class PanelReferralAdmin(SimpleHistoryAdmin):
    list_display = ["pseudonym", "panel", "status", "due_on", "conclusion_category"]
    list_filter = ["panel", "status"]
    search_fields = ["pseudonym"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
