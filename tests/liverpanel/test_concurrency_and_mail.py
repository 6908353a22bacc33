"""Two people at once, and the e-mail a drawn reviewer gets.

The last two reviews of the first three submitted at the same moment must both count and
escalate once (the referral's row orders them); two cases sent at the same moment must each see
the other's assignments when balancing the load (the panel's row orders them)."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from apps.liverpanel.models import PanelReferral, PanelReview
from apps.liverpanel.services import panel_referral_create, panel_review_submit
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_last_reviews_at_once_both_count_and_escalate_once(panel, panel_case, coordinator):
    referral = panel_referral_create(
        case=panel_case, panel=panel, question="?", actor=coordinator, seed=4
    )
    first, second, third = (
        review.member.user for review in referral.reviews.select_related("member__user")
    )
    panel_review_submit(
        referral=referral,
        reviewer=first,
        category="resectable",
        plan={"lesions": [{"lesion": n, "treatment": "ablation"} for n in (1, 2, 3, 4)]},
    )
    errors = _race(
        lambda: panel_review_submit(referral=referral, reviewer=second, category="unresectable"),
        lambda: panel_review_submit(referral=referral, reviewer=third, category="unresectable"),
    )
    assert errors == []
    referral.refresh_from_db()
    assert referral.status == "escalated"
    assert referral.disagreement == "major"
    assert referral.reviews.filter(stage=2).count() == 2
    assert len(referral.draws) == 2


@pytest.mark.django_db(transaction=True)
def test_two_cases_sent_at_once_balance_the_load(panel, hospital, coordinator):
    cases = []
    for _ in range(2):
        case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
        recommendation_create(case=case, actor=coordinator)
        cases.append(case)
    errors = _race(
        *[
            (
                lambda case=case: panel_referral_create(
                    case=case, panel=panel, question="?", actor=coordinator
                )
            )
            for case in cases
        ]
    )
    assert errors == []
    # Seven members, six reviews: nobody has two while another has none.
    loads = [PanelReview.objects.filter(member=member).count() for member in panel.members.all()]
    assert sorted(loads) == [0, 1, 1, 1, 1, 1, 1]
    assert sorted(PanelReferral.objects.values_list("pseudonym", flat=True)) == [
        "RLP-0001",
        "RLP-0002",
    ]


@pytest.mark.django_db
def test_drawn_reviewers_are_emailed_once_without_the_patient(
    settings, panel, panel_case, coordinator, django_capture_on_commit_callbacks
):
    settings.PANEL_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for number, member in enumerate(panel.members.select_related("user")):
        member.user.email = f"surgeon{number}@example.org"
        member.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = panel_referral_create(
            case=panel_case, panel=panel, question="?", actor=coordinator, seed=2
        )
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert referral.pseudonym in message.subject
    address = reverse("liverpanel:review", kwargs={"referral_id": referral.pk})
    assert address in message.body
    patient = panel_case.patient
    for identifying in (patient.family_name, patient.given_name, patient.mrn):
        assert identifying not in message.subject + message.body
    # Delivered again (a retried task): not sent twice.
    from apps.liverpanel.notifications import review_assigned_mail

    review = referral.reviews.first()
    assert review_assigned_mail(review_id=str(review.pk)) is False
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_no_email_without_mail_settings(
    panel, panel_case, coordinator, django_capture_on_commit_callbacks
):
    for member in panel.members.select_related("user"):
        member.user.email = "someone@example.org"
        member.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        panel_referral_create(case=panel_case, panel=panel, question="?", actor=coordinator)
    assert mail.outbox == []
