"""Browser pages of the patients app (htmx)."""

from django.urls import path  # noqa: F401

app_name = "patients"

urlpatterns: list = []
