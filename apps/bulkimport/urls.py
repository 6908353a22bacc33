"""Routes outside the API (included at the site root by config/urls.py)."""

from django.urls import path

from . import views

app_name = "bulkimport"
urlpatterns = [
    path("cases/import/", views.upload, name="upload"),
    path("cases/import/template.csv", views.template, name="template"),
    path("cases/import/<uuid:import_id>/", views.detail, name="detail"),
    path("cases/import/<uuid:import_id>/confirm/", views.confirm, name="confirm"),
]
