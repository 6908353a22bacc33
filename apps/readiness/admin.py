"""The readiness rules in the admin, one policy per hospital. The list shows every hospital's
policy; a hospital without one uses the defaults until a policy is added for it."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ReadinessPolicy


@admin.register(ReadinessPolicy)
class ReadinessPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "hospital",
        "ct_chest_abdomen_pelvis_weeks",
        "liver_mri_weeks",
        "cea_weeks",
        "performance_status_weeks",
    ]
    fieldsets = [
        (None, {"fields": ["hospital"]}),
        (
            "Dated items (weeks before the meeting)",
            {
                "fields": [
                    ("ct_chest_abdomen_pelvis_required", "ct_chest_abdomen_pelvis_weeks"),
                    ("liver_mri_required", "liver_mri_weeks"),
                    ("cea_required", "cea_weeks"),
                    ("performance_status_required", "performance_status_weeks"),
                ]
            },
        ),
        (
            "Other items",
            {"fields": ["histology_required", "molecular_required", "workup_required"]},
        ),
    ]
