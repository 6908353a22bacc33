"""The summaries' routes under /api/v1/meetings/{id}/summary/. Ids are <str:...>: a malformed
one gets the API's 404, not Django's HTML page."""

from django.urls import path

from .views import SummaryLetterPdfView, SummaryPdfView, SummaryView

urlpatterns = [
    path("meetings/<str:meeting_id>/summary/", SummaryView.as_view(), name="meeting-summary"),
    path(
        "meetings/<str:meeting_id>/summary/<str:version>/pdf/",
        SummaryPdfView.as_view(),
        name="meeting-summary-pdf",
    ),
    path(
        "meetings/<str:meeting_id>/summary/<str:version>/letters/<str:item_id>/pdf/",
        SummaryLetterPdfView.as_view(),
        name="meeting-summary-letter-pdf",
    ),
]
