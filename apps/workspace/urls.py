"""Browser pages of the workspace: the case pages (list, intake form, case page, audit trail, the
live recommendation panel and recalculation) and the pathway page (the version in use and the
re-evaluation of the open cases). The dashboard is the site's root (config/urls.py)."""

from django.urls import path

from .views import cases, pathway, recommendations, tasks

app_name = "workspace"

urlpatterns = [
    path("cases/", cases.case_list, name="case-list"),
    path("cases/new/", cases.case_new, name="case-new"),
    path("cases/form/validate/", cases.intake_validate, name="intake-validate"),
    path("cases/form/lesions/", cases.intake_lesions, name="intake-lesions"),
    path("cases/form/sites/", cases.intake_sites, name="intake-sites"),
    path("cases/form/preview/", recommendations.preview, name="preview"),
    path("cases/<uuid:case_id>/", cases.case_detail, name="case-detail"),
    path("cases/<uuid:case_id>/edit/", cases.case_edit, name="case-edit"),
    path("cases/<uuid:case_id>/audit/", cases.case_audit, name="case-history-audit"),
    path("tasks/", tasks.tasks_page, name="tasks"),
    path("tasks/actions/<uuid:action_id>/done/", tasks.task_action_done, name="task-action-done"),
    path("tasks/told/<uuid:item_id>/", tasks.task_patient_told, name="task-patient-told"),
    path("pathway/", pathway.pathway_page, name="pathway"),
    path("pathway/reevaluate/", pathway.reevaluate, name="pathway-reevaluate"),
    path(
        "cases/<uuid:case_id>/recommendation/",
        recommendations.case_recalculate,
        name="case-recalculate",
    ),
]
