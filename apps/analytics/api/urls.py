"""API routes of the board's numbers and the worklist (included by config/api_router.py)."""

from django.urls import path

from .views import MetricView, PanelNumbersView, WorklistView

urlpatterns = [
    # <str:...>: an unknown metric gets the API's JSON 404 from the view.
    path("analytics/<str:metric>/", MetricView.as_view(), name="analytics-metric"),
    path("worklist/", WorklistView.as_view(), name="worklist"),
    path("panels/<str:panel_id>/numbers/", PanelNumbersView.as_view(), name="panel-numbers"),
]
