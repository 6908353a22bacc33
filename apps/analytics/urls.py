"""Browser pages of the board's numbers and the worklist."""

from django.urls import path

from . import panel_views, views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.analytics_page, name="analytics"),
    path("analytics/<slug:metric>/csv/", views.metric_csv, name="metric-csv"),
    path("worklist/", views.worklist_page, name="worklist"),
    path("analytics/panels/", panel_views.panel_numbers_page, name="panel-numbers"),
]
