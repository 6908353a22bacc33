"""Browser pages of the recommendations app (htmx)."""

from django.urls import path  # noqa: F401

app_name = "recommendations"

urlpatterns: list = []
