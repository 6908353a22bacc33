"""Browser page of the summaries: the printable summary's status panel (a page of its own
without htmx) and the "Printable summary" button's address."""

from django.urls import path

from . import views

app_name = "summaries"

urlpatterns = [
    path("meetings/<uuid:meeting_id>/summary/", views.summary, name="summary"),
]
