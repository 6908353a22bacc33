"""Browser pages of the patients app (htmx)."""

from django.urls import path

from . import views

app_name = "patients"

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/form/validate/", views.intake_validate, name="intake-validate"),
    path("cases/form/lesions/", views.intake_lesions, name="intake-lesions"),
    path("cases/form/sites/", views.intake_sites, name="intake-sites"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<uuid:case_id>/edit/", views.case_edit, name="case-edit"),
    path("cases/<uuid:case_id>/audit/", views.case_audit, name="case-history-audit"),
]
