"""Snapshots are read-only everywhere, the admin included: a recommendation once made is a record
of what the pathway said, never edited (a new evaluation makes a new snapshot)."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RecommendationSnapshot


@admin.register(RecommendationSnapshot)
class RecommendationSnapshotAdmin(SimpleHistoryAdmin):
    list_display = ["id", "case", "pathway_version", "primary_code", "resectability", "created_at"]
    list_filter = ["pathway_version", "resectability"]
    list_select_related = ["case__patient", "created_by"]
    search_fields = ["primary_code"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
