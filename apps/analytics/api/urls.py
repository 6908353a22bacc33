"""API routes of the board's numbers and the worklist (included by config/api_router.py)."""

from django.urls import path

from .views import MetricView, WorklistView

urlpatterns = [
    # <str:...>: an unknown metric gets the API's JSON 404 from the view.
    path("analytics/<str:metric>/", MetricView.as_view(), name="analytics-metric"),
    path("worklist/", WorklistView.as_view(), name="worklist"),
]
