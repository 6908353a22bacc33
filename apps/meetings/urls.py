"""Browser pages of the meetings app (htmx). Full paths: the app is included at the site root.
The POST-only addresses are the panels' actions; each answers its panel for htmx."""

from django.urls import path

from .views import agenda, attendance, case_history, live, meetings, present, review

app_name = "meetings"

MEETING = "meetings/<uuid:meeting_id>/"
ITEM = f"{MEETING}items/<uuid:item_id>/"

urlpatterns = [
    path("meetings/", meetings.meeting_list_page, name="meeting-list"),
    path("meetings/new/", meetings.meeting_new, name="meeting-new"),
    path(MEETING, meetings.meeting_detail, name="meeting-detail"),
    path(f"{MEETING}quorum/", meetings.meeting_quorum_badge, name="meeting-quorum"),
    path(f"{MEETING}live/", live.meeting_live, name="meeting-live"),
    path(f"{MEETING}present/", present.meeting_present_page, name="meeting-present"),
    path(f"{MEETING}start/", meetings.meeting_start, name="meeting-start"),
    path(f"{MEETING}sign-off/", meetings.meeting_sign_off_page, name="meeting-sign-off"),
    path(f"{MEETING}agenda/", agenda.agenda_add, name="agenda-add"),
    path(
        f"{MEETING}agenda/<uuid:item_id>/reorder/",
        agenda.agenda_reorder_step,
        name="agenda-reorder",
    ),
    path(f"{MEETING}agenda/<uuid:item_id>/remove/", agenda.agenda_remove, name="agenda-remove"),
    path(f"{MEETING}agenda/<uuid:item_id>/move/", agenda.agenda_move, name="agenda-move"),
    path(
        f"{MEETING}agenda/<uuid:item_id>/postpone/", agenda.agenda_postpone, name="agenda-postpone"
    ),
    path(
        f"{MEETING}agenda/<uuid:item_id>/postpone/withdraw/",
        agenda.agenda_postpone_withdraw,
        name="agenda-postpone-withdraw",
    ),
    path(f"{MEETING}agenda/proposed/", agenda.agenda_add_proposed, name="agenda-add-proposed"),
    path(f"{MEETING}attendance/", attendance.attendance_add_page, name="attendance-add"),
    path(
        f"{MEETING}attendance/<uuid:attendance_id>/remove/",
        attendance.attendance_remove_page,
        name="attendance-remove",
    ),
    path(ITEM, review.item_review, name="item-review"),
    path(f"{ITEM}vote/", review.vote, name="item-vote"),
    path(f"{ITEM}votes/reveal/", review.votes_reveal_page, name="item-votes-reveal"),
    path(f"{ITEM}standard-of-care/", review.standard_of_care, name="item-standard-of-care"),
    path(f"{ITEM}decision/", review.decision, name="item-decision"),
    path(f"{ITEM}decision/amend/", review.decision_amend_page, name="item-decision-amend"),
    path(f"{ITEM}decision/typing/", review.decision_typing, name="item-decision-typing"),
    path(f"{ITEM}letter/", review.letter_note, name="item-letter-note"),
    path(f"{ITEM}actions/", review.action_add_page, name="item-action-add"),
    path(f"{ITEM}actions/<uuid:action_id>/done/", review.action_done, name="item-action-done"),
    path(f"{ITEM}follow-up/", review.follow_up, name="item-follow-up"),
    path(f"{ITEM}treatment/", review.treatment, name="item-treatment"),
    path("cases/<uuid:case_id>/meetings/", case_history.case_history, name="case-history"),
    path(
        "cases/<uuid:case_id>/add-to-meeting/",
        case_history.case_add_to_meeting,
        name="case-add-to-meeting",
    ),
]
