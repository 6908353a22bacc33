"""The panel's API routes (included under /api/v1/ by config/api_router.py)."""

from django.urls import path

from .views import (
    CaseReferralListView,
    ConclusionView,
    MemberReferralListView,
    PanelDetailView,
    PanelListView,
    PanelMemberDetailView,
    PanelMemberListView,
    ReferralDetailView,
    RereviewView,
    ReviewView,
    WithdrawView,
)

REFERRAL = "panel-referrals/<str:referral_id>/"
urlpatterns = [
    path("panels/", PanelListView.as_view(), name="panels"),
    path("panels/<str:panel_id>/", PanelDetailView.as_view(), name="panel-detail"),
    path("panels/<str:panel_id>/members/", PanelMemberListView.as_view(), name="panel-members"),
    path(
        "panels/<str:panel_id>/members/<str:member_id>/",
        PanelMemberDetailView.as_view(),
        name="panel-member-detail",
    ),
    path(
        "cases/<str:case_id>/panel-referrals/",
        CaseReferralListView.as_view(),
        name="case-panel-referrals",
    ),
    path("panel-referrals/", MemberReferralListView.as_view(), name="panel-referrals"),
    path(REFERRAL, ReferralDetailView.as_view(), name="panel-referral-detail"),
    path(f"{REFERRAL}review/", ReviewView.as_view(), name="panel-referral-review"),
    path(f"{REFERRAL}conclusion/", ConclusionView.as_view(), name="panel-referral-conclusion"),
    path(f"{REFERRAL}withdraw/", WithdrawView.as_view(), name="panel-referral-withdraw"),
    path(f"{REFERRAL}rereview/", RereviewView.as_view(), name="panel-referral-rereview"),
]
