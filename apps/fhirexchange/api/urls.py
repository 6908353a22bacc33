"""API routes (included under /api/v1/ by config/api_router.py)."""

from django.urls import path

from .views import CaseFhirView, FhirImportView, MeetingFhirView

# <str:...>, not <uuid:...>: a malformed id then gets the API's 404, not Django's HTML page.
urlpatterns: list = [
    path("cases/<str:case_id>/fhir/", CaseFhirView.as_view(), name="case-fhir"),
    path("meetings/<str:meeting_id>/fhir/", MeetingFhirView.as_view(), name="meeting-fhir"),
    path("fhir/", FhirImportView.as_view(), name="fhir-import"),
]
