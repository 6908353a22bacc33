"""Every API route under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.analytics.api.urls import urlpatterns as analytics_urlpatterns
from apps.bulkimport.api.urls import urlpatterns as bulkimport_urlpatterns
from apps.cdshooks.api.urls import urlpatterns as cdshooks_urlpatterns
from apps.core.api.views import MeView, TokenDetailView, TokenListView, TokenView
from apps.fhirexchange.api.urls import urlpatterns as fhir_urlpatterns
from apps.imaging.api.views import ImagingStudyViewSet, LiverLesionViewSet
from apps.liverpanel.api.urls import urlpatterns as panel_urlpatterns
from apps.meetings.api.urls import urlpatterns as meeting_urlpatterns
from apps.meetings.api.views.meetings import MeetingViewSet
from apps.patients.api.views import PatientViewSet
from apps.recommendations.api.views import (
    CaseRecommendationHistoryView,
    CaseRecommendationView,
    PathwayDescribeView,
    PathwayEvaluateView,
)
from apps.summaries.api.urls import urlpatterns as summary_urlpatterns
from apps.workspace.api.views import (
    CaseViewSet,
    ReevaluationCasesView,
    ReevaluationView,
    TaskListView,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("patients", PatientViewSet, basename="patient")
router.register("cases", CaseViewSet, basename="case")
router.register("imaging-studies", ImagingStudyViewSet, basename="imaging-study")
router.register("lesions", LiverLesionViewSet, basename="lesion")
router.register("meetings", MeetingViewSet, basename="meeting")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", TokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<str:token_id>/", TokenDetailView.as_view(), name="auth-token-detail"),
    path("me/", MeView.as_view(), name="me"),
    path("tasks/", TaskListView.as_view(), name="tasks"),
    path("pathway/", PathwayDescribeView.as_view(), name="pathway-describe"),
    path("pathway/evaluate/", PathwayEvaluateView.as_view(), name="pathway-evaluate"),
    path("pathway/reevaluate/", ReevaluationView.as_view(), name="pathway-reevaluate"),
    path(
        "pathway/reevaluate/<str:reevaluation_id>/cases/",
        ReevaluationCasesView.as_view(),
        name="pathway-reevaluate-cases",
    ),
    # <str:...>, not <uuid:...>: a malformed id then gets the API's 404, not Django's HTML page.
    path(
        "cases/<str:case_id>/recommendation/",
        CaseRecommendationView.as_view(),
        name="case-recommendation",
    ),
    path(
        "cases/<str:case_id>/recommendations/",
        CaseRecommendationHistoryView.as_view(),
        name="case-recommendations",
    ),
    *meeting_urlpatterns,
    *panel_urlpatterns,
    *fhir_urlpatterns,
    *cdshooks_urlpatterns,
    *bulkimport_urlpatterns,
    *summary_urlpatterns,
    *analytics_urlpatterns,
    *router.urls,
]
