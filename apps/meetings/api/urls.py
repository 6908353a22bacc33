"""The meeting workflow's routes under /api/v1/meetings/ (the meetings themselves and their
agenda list are the router's MeetingViewSet). Ids are <str:...>: a malformed one gets the API's
404, not Django's HTML page. These come before the router's routes, so that
"meetings/concordance/" is not read as a meeting id."""

from django.urls import path

from .views.agenda import (
    AgendaItemMoveView,
    AgendaItemPostponeView,
    AgendaReorderView,
    CaseMeetingsView,
)
from .views.attendance import AttendanceDetailView, AttendanceListView
from .views.concordance import ConcordanceView
from .views.decisions import (
    ActionDetailView,
    ActionListView,
    DecisionAmendView,
    DecisionView,
    FollowUpView,
    SignOffView,
    StandardOfCareView,
)
from .views.treatment import TreatmentView
from .views.votes import VoteListView, VoteRevealView

ITEM = "meetings/<str:meeting_id>/agenda/<str:item_id>/"

urlpatterns = [
    path("meetings/concordance/", ConcordanceView.as_view(), name="meeting-concordance"),
    path(
        "meetings/<str:meeting_id>/attendance/",
        AttendanceListView.as_view(),
        name="meeting-attendance",
    ),
    path(
        "meetings/<str:meeting_id>/attendance/<str:attendance_id>/",
        AttendanceDetailView.as_view(),
        name="meeting-attendance-detail",
    ),
    path("meetings/<str:meeting_id>/sign-off/", SignOffView.as_view(), name="meeting-sign-off"),
    path(
        "meetings/<str:meeting_id>/agenda/reorder/",
        AgendaReorderView.as_view(),
        name="meeting-agenda-reorder",
    ),
    path(f"{ITEM}move/", AgendaItemMoveView.as_view(), name="agenda-item-move"),
    path(f"{ITEM}postpone/", AgendaItemPostponeView.as_view(), name="agenda-item-postpone"),
    path(f"{ITEM}votes/", VoteListView.as_view(), name="agenda-item-votes"),
    path(f"{ITEM}votes/reveal/", VoteRevealView.as_view(), name="agenda-item-votes-reveal"),
    path(
        f"{ITEM}standard-of-care/",
        StandardOfCareView.as_view(),
        name="agenda-item-standard-of-care",
    ),
    path(f"{ITEM}decision/", DecisionView.as_view(), name="agenda-item-decision"),
    path(f"{ITEM}decision/amend/", DecisionAmendView.as_view(), name="agenda-item-decision-amend"),
    path(f"{ITEM}actions/", ActionListView.as_view(), name="agenda-item-actions"),
    path(f"{ITEM}actions/<str:action_id>/", ActionDetailView.as_view(), name="agenda-item-action"),
    path(f"{ITEM}follow-up/", FollowUpView.as_view(), name="agenda-item-follow-up"),
    path(f"{ITEM}treatment/", TreatmentView.as_view(), name="agenda-item-treatment"),
    path("cases/<str:case_id>/meetings/", CaseMeetingsView.as_view(), name="case-meetings"),
]
