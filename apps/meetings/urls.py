"""Browser pages of the meetings app (htmx)."""

from django.urls import path  # noqa: F401

app_name = "meetings"

urlpatterns: list = []
