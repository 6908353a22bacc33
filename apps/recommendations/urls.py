"""Browser pages of the recommendations app (htmx)."""

from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("cases/form/preview/", views.preview, name="preview"),
    path(
        "cases/<uuid:case_id>/recommendation/",
        views.case_recalculate,
        name="case-recalculate",
    ),
]
