"""Browser pages of the liver expert panel (htmx). Full paths: the app is included at the site
root. The member's pages live under /panel/; sending a case hangs off the case's address, and
the coordinator's actions on a round off the round's. `review` is the address the reviewers'
e-mails link to (notifications.py)."""

from django.urls import path

from .views import case, review

app_name = "liverpanel"

ROUND = "panel/rounds/<uuid:referral_id>/"
CASE = "panel/cases/<uuid:referral_id>/"

urlpatterns = [
    path("panel/", review.queue, name="queue"),
    path(CASE, review.review_page, name="review"),
    path(f"{CASE}review/", review.review_submit, name="review-submit"),
    path(f"{CASE}conclusion/", review.conclude, name="conclude"),
    path("cases/<uuid:case_id>/panel/send/", case.case_send, name="case-send"),
    path(f"{ROUND}withdraw/", case.withdraw, name="withdraw"),
    path(f"{ROUND}rereview/", case.rereview, name="rereview"),
]
