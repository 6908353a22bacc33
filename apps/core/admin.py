from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from simple_history.admin import SimpleHistoryAdmin

from .models import Hospital, StaffProfile


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "telephone", "email"]
    search_fields = ["name", "code"]
    fieldsets = [
        (None, {"fields": ["name", "code"]}),
        (
            "Letterhead of the outcome letters",
            {"fields": ["address", "telephone", "email"]},
        ),
    ]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    verbose_name_plural = "hospital and specialty"


class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "hospital", "specialty"]
    list_filter = ["hospital", "specialty"]
