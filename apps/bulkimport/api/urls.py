"""API routes (included under /api/v1/ by config/api_router.py). Ids are <str:...>: a malformed
one gets the API's 404, not Django's HTML page."""

from django.urls import path

from .views import ReferralImportConfirmView, ReferralImportDetailView, ReferralImportListView

urlpatterns = [
    path("referral-imports/", ReferralImportListView.as_view(), name="referral-imports"),
    path(
        "referral-imports/<str:import_id>/",
        ReferralImportDetailView.as_view(),
        name="referral-import-detail",
    ),
    path(
        "referral-imports/<str:import_id>/confirm/",
        ReferralImportConfirmView.as_view(),
        name="referral-import-confirm",
    ),
]
