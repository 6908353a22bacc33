from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgendaItem, Meeting


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    raw_id_fields = ["case", "presenter"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "scheduled_for", "status", "hospital"]
    list_filter = ["status", "hospital"]
    inlines = [AgendaItemInline]
