from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Biomarkers,
    MdtCase,
    Patient,
    PerformanceStatus,
    Presentation,
    PrimaryTumour,
    TreatmentHistory,
    WorkupStatus,
)


@admin.register(Patient)
class PatientAdmin(SimpleHistoryAdmin):
    list_display = ["mrn", "family_name", "given_name", "birth_date", "hospital"]
    list_filter = ["hospital"]
    search_fields = ["mrn", "family_name"]


@admin.register(MdtCase)
class MdtCaseAdmin(SimpleHistoryAdmin):
    list_display = ["id", "patient", "status", "referred_on"]
    list_filter = ["status"]
    list_select_related = ["patient"]
    raw_id_fields = ["patient", "created_by"]


for model in (
    PerformanceStatus,
    PrimaryTumour,
    Presentation,
    Biomarkers,
    TreatmentHistory,
    WorkupStatus,
):
    admin.site.register(model, SimpleHistoryAdmin, raw_id_fields=["case"])
