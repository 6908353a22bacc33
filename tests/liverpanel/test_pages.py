"""The panel's browser pages: the member's queue, the pseudonymised review page with its review
and conclusion forms, and the case page's section with the coordinator's actions.

The fixtures are this module's own (the package's conftest is another test module's): a panel
that `hospital` sends cases to, whose three surgeons all work at `other_hospital` (so all three
are drawn, and every reviewer reads another hospital's case), and a one-lesion case of
`hospital` with a recommendation."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.liverpanel import services
from apps.liverpanel.choices import ReferralStatus
from apps.liverpanel.models import PanelReferral, PanelReview
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, HospitalFactory

pytestmark = pytest.mark.django_db

FAMILY_NAME = "Zandvoortje"
GIVEN_NAME = "Wilhelmina"
MRN = "MRN-PANEL-7731"


@pytest.fixture
def admin_user(make_user):
    return make_user("coordinator", specialty="coordinator", is_staff=True)


@pytest.fixture
def reviewers(make_user, other_hospital):
    return [
        make_user("clinician", specialty="liver_surgeon", hospital=other_hospital) for _ in range(3)
    ]


@pytest.fixture
def panel(admin_user, hospital, reviewers):
    made = services.panel_save(
        actor=admin_user, name="North liver panel (fictional)", code="nlp", hospitals=[hospital]
    )
    for surgeon in reviewers:
        services.panel_member_save(panel=made, user=surgeon, actor=admin_user)
    return made


@pytest.fixture
def case(hospital, coordinator):
    """A case whose pathway call is "resectable": one lesion."""
    made = CaseFactory(
        patient__hospital=hospital,
        patient__family_name=FAMILY_NAME,
        patient__given_name=GIVEN_NAME,
        patient__mrn=MRN,
        facts="solitary-metachronous-low-risk",
    )
    recommendation_create(case=made, actor=coordinator)
    return made


@pytest.fixture
def referral(case, panel, coordinator):
    return services.panel_referral_create(
        case=case, panel=panel, question="Resectable in one stage?", actor=coordinator, seed=3
    )


@pytest.fixture
def chair(make_user, other_hospital, panel, admin_user, referral):
    """The panel's chair, put on the roster after the draw: not a reviewer of `referral`."""
    user = make_user("clinician", specialty="liver_surgeon", hospital=other_hospital)
    services.panel_member_save(panel=panel, user=user, actor=admin_user, is_chair=True)
    return user


def _segment(referral) -> int:
    return referral.snapshot.facts["liver"]["lesions"][0]["segment"]


def _review_data(referral, category="resectable", **extra):
    return {
        "category": category,
        "lesion-1-treatment": "anatomical_resection",
        "lesion-1-segments": [str(_segment(referral))],
        "strategy": "one_stage",
        "note": "",
        **extra,
    }


def _plan(referral):
    return {
        "lesions": [
            {"lesion": 1, "treatment": "anatomical_resection", "segments": [_segment(referral)]}
        ],
        "strategy": "one_stage",
    }


def _review_all(referral, reviewers, category="resectable"):
    for surgeon in reviewers:
        services.panel_review_submit(
            referral=referral, reviewer=surgeon, category=category, plan=_plan(referral)
        )


def _page(client, user, referral):
    client.force_login(user)
    return client.get(reverse("liverpanel:review", kwargs={"referral_id": referral.pk}))


# --- The queue --------------------------------------------------------------------------------


def test_queue_shows_the_open_review_and_not_others(
    client, referral, reviewers, make_user, other_hospital, hospital, coordinator, admin_user
):
    # Another panel's case, reviewed by three other surgeons.
    others = [
        make_user("clinician", specialty="liver_surgeon", hospital=other_hospital) for _ in range(3)
    ]
    other_panel = services.panel_save(
        actor=admin_user, name="South liver panel (fictional)", code="slp", hospitals=[hospital]
    )
    for surgeon in others:
        services.panel_member_save(panel=other_panel, user=surgeon, actor=admin_user)
    other_case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    recommendation_create(case=other_case, actor=coordinator)
    elsewhere = services.panel_referral_create(
        case=other_case, panel=other_panel, question="Resectable?", actor=coordinator, seed=1
    )
    PanelReferral.objects.filter(pk=referral.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(reviewers[0])

    page = client.get(reverse("liverpanel:queue")).content.decode()

    assert referral.pseudonym in page
    assert reverse("liverpanel:review", kwargs={"referral_id": referral.pk}) in page
    assert "Overdue" in page
    assert elsewhere.pseudonym not in page
    assert "Panel reviews" in page  # the nav link, for a member
    assert FAMILY_NAME not in page


def test_queue_of_someone_on_no_panel_says_so(client, clinician, viewer):
    client.force_login(clinician)
    page = client.get(reverse("liverpanel:queue")).content.decode()
    assert "You are not on a liver expert panel" in page
    # The link is the clinicians' (no query on every page to ask whether on a panel).
    client.force_login(viewer)
    assert "Panel reviews" not in client.get(reverse("home")).content.decode()


def test_queue_lists_the_chairs_conclusions_and_the_closed_rounds(
    client, referral, reviewers, chair
):
    _review_all(referral, reviewers)
    client.force_login(chair)
    page = client.get(reverse("liverpanel:queue")).content.decode()
    assert "Conclusions to write" in page and referral.pseudonym in page

    services.panel_conclusion_record(
        referral=referral, chair=chair, category="resectable", plan=_plan(referral)
    )
    client.force_login(reviewers[0])
    page = client.get(reverse("liverpanel:queue")).content.decode()
    assert "Recently closed" in page and referral.pseudonym in page


def test_queue_query_count_does_not_grow_with_the_cases(
    client, referral, reviewers, panel, hospital, coordinator, django_assert_max_num_queries
):
    client.force_login(reviewers[0])
    url = reverse("liverpanel:queue")
    client.get(url)  # the first request fills per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        more = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
        recommendation_create(case=more, actor=coordinator)
        sent = services.panel_referral_create(
            case=more, panel=panel, question="Resectable?", actor=coordinator, seed=2
        )
        services.panel_review_submit(
            referral=sent, reviewer=reviewers[1], category="resectable", plan=_plan(sent)
        )
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert page.count("Review the case") == 4


# --- The review page: who reads it, and what it shows ----------------------------------------


def test_review_page_of_another_hospitals_member_is_pseudonymised(
    client, referral, reviewers, case, hospital
):
    response = _page(client, reviewers[0], referral)

    assert response.status_code == 200
    page = response.content.decode()
    assert referral.pseudonym in page
    assert f"Aged {case.patient.age_on(case.referred_on)}" in page
    assert "Resectable in one stage?" in page
    assert 'id="review-form"' in page
    assert "<svg" in page  # the liver map, in the pathway's recommendation
    for identifying in (
        FAMILY_NAME,
        FAMILY_NAME.upper(),
        GIVEN_NAME,
        MRN,
        case.patient.birth_date.strftime("%-d %b %Y"),
        str(case.pk),
        hospital.name,
    ):
        assert identifying not in page


def test_unassigned_member_and_another_hospitals_user_get_404(
    client, referral, panel, admin_user, make_user, other_hospital
):
    unassigned = make_user("clinician", specialty="liver_surgeon", hospital=other_hospital)
    services.panel_member_save(panel=panel, user=unassigned, actor=admin_user)
    stranger = make_user("clinician", specialty="liver_surgeon", hospital=HospitalFactory())

    for user in (unassigned, stranger):
        assert _page(client, user, referral).status_code == 404
        posted = client.post(
            reverse("liverpanel:review-submit", kwargs={"referral_id": referral.pk}),
            _review_data(referral),
        )
        assert posted.status_code == 404
    assert not PanelReview.objects.filter(submitted_at__isnull=False).exists()


def test_review_posted_through_the_page_is_saved(client, referral, reviewers):
    client.force_login(reviewers[0])
    url = reverse("liverpanel:review-submit", kwargs={"referral_id": referral.pk})

    response = client.post(url, _review_data(referral, note="Clear margins expected."))

    page_url = reverse("liverpanel:review", kwargs={"referral_id": referral.pk})
    assert response.status_code == 302 and response.url == f"{page_url}#round"
    review = PanelReview.objects.get(referral=referral, member__user=reviewers[0])
    assert review.category == "resectable" and review.submitted_at is not None
    assert review.plan["lesions"] == [
        {"lesion": 1, "treatment": "anatomical_resection", "segments": [_segment(referral)]}
    ]
    page = client.get(page_url).content.decode()
    assert "1 of 3 reviews in" in page
    assert "Clear margins expected." in page  # the reader's own review
    assert 'id="review-form"' not in page  # final once submitted


def test_review_posted_with_htmx_answers_the_round_and_hides_the_others(
    client, referral, reviewers
):
    services.panel_review_submit(
        referral=referral, reviewer=reviewers[0], category="resectable", plan=_plan(referral)
    )
    client.force_login(reviewers[1])

    response = client.post(
        reverse("liverpanel:review-submit", kwargs={"referral_id": referral.pk}),
        _review_data(referral, category="potentially_resectable"),
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    part = response.content.decode()
    assert "<html" not in part and 'id="round"' in part
    assert "2 of 3 reviews in" in part and "Your review is recorded" in part
    # Until all are in, nobody reads whose category is whose.
    assert reviewers[0].get_full_name() not in part
    other = _page(client, reviewers[0], referral).content.decode()
    assert reviewers[1].get_full_name() not in other and "Potentially resectable" not in other


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lesion-1-segments": []}, "Name the segments the resection removes."),
        ({"lesion-1-treatment": ""}, "Choose a treatment for this lesion."),
        ({"category": ""}, "This field is required."),
    ],
)
def test_an_incomplete_review_is_refused_beside_its_field(
    client, referral, reviewers, change, message
):
    client.force_login(reviewers[0])
    data = {**_review_data(referral), **change}

    response = client.post(
        reverse("liverpanel:review-submit", kwargs={"referral_id": referral.pk}), data
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'id="review-form"' in page
    assert not PanelReview.objects.filter(submitted_at__isnull=False).exists()


def test_a_review_of_a_closed_round_is_a_conflict(client, referral, reviewers, coordinator):
    services.panel_referral_withdraw(referral=referral, actor=coordinator, reason="Plans changed")
    client.force_login(reviewers[0])
    response = client.post(
        reverse("liverpanel:review-submit", kwargs={"referral_id": referral.pk}),
        _review_data(referral),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "reviews are closed" in response.content.decode()


# --- The chair's conclusion -------------------------------------------------------------------


def test_chair_sees_the_conclusion_form_only_once_every_review_is_in(
    client, referral, reviewers, chair
):
    before = _page(client, chair, referral).content.decode()
    assert 'id="conclusion-form"' not in before and 'id="review-form"' not in before
    assert "0 of 3 reviews in" in before

    _review_all(referral, reviewers)
    after = _page(client, chair, referral).content.decode()
    assert 'id="conclusion-form"' in after
    for surgeon in reviewers:  # revealed: every review, named
        assert surgeon.get_full_name() in after
    assert "All three agreed" in after or "all three agreed" in after

    response = client.post(
        reverse("liverpanel:conclude", kwargs={"referral_id": referral.pk}),
        {**_review_data(referral), "note": "One-stage right posterior sectionectomy."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONCLUDED
    assert referral.conclusion_category == "resectable"
    page = _page(client, reviewers[0], referral).content.decode()
    assert "One-stage right posterior sectionectomy." in page and "they agree" in page


def test_a_conclusion_outside_the_majority_is_refused_beside_the_category(
    client, referral, reviewers, chair
):
    _review_all(referral, reviewers)
    client.force_login(chair)
    response = client.post(
        reverse("liverpanel:conclude", kwargs={"referral_id": referral.pk}),
        _review_data(referral, category="potentially_resectable"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "The reviews give resectable." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_CONCLUSION


def test_a_reviewer_who_is_not_the_chair_cannot_conclude(client, referral, reviewers, chair):
    _review_all(referral, reviewers)
    client.force_login(reviewers[0])
    response = client.post(
        reverse("liverpanel:conclude", kwargs={"referral_id": referral.pk}),
        _review_data(referral),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    assert "Only the panel&#x27;s chair" in response.content.decode()


# --- The case page ----------------------------------------------------------------------------


def test_case_page_shows_the_round_and_the_conclusion_beside_the_pathway(
    client, referral, reviewers, chair, case, coordinator
):
    client.force_login(coordinator)
    url = reverse("workspace:case-detail", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Liver expert panel" in page and referral.pseudonym in page
    assert "0 of 3 reviews in" in page
    assert reverse("liverpanel:withdraw", kwargs={"referral_id": referral.pk}) in page

    _review_all(referral, reviewers)
    services.panel_conclusion_record(
        referral=referral, chair=chair, category="resectable", plan=_plan(referral)
    )
    page = client.get(url).content.decode()
    assert 'data-testid="panel-vs-pathway"' in page
    assert "The panel agrees with the pathway." in page
    assert f"Lesion 1 (segment {_segment(referral)}" in page  # the plan's lines
    assert reviewers[0].get_full_name() in page  # the reviews, revealed
    assert reverse("liverpanel:rereview", kwargs={"referral_id": referral.pk}) in page


def test_viewer_cannot_send_and_another_hospital_cannot_see(
    client, case, panel, viewer, make_user, other_hospital
):
    url = reverse("liverpanel:case-send", kwargs={"case_id": case.pk})
    data = {"panel": str(panel.pk), "question": "Resectable?"}
    client.force_login(viewer)
    assert client.post(url, data).status_code == 403
    client.force_login(make_user("coordinator", hospital=other_hospital))
    assert client.post(url, data).status_code == 404
    assert not PanelReferral.objects.exists()


def test_send_form_sends_the_case_and_redirects_to_the_case_page(client, case, panel, coordinator):
    client.force_login(coordinator)
    # Its own page (without JavaScript, where the case page is out of reach): the form, open.
    form = client.get(reverse("liverpanel:case-send", kwargs={"case_id": case.pk}))
    assert form.status_code == 200 and "Send to the panel" in form.content.decode()
    response = client.post(
        reverse("liverpanel:case-send", kwargs={"case_id": case.pk}),
        {"panel": str(panel.pk), "question": "Resectable?", "due_on": ""},
    )
    assert response.status_code == 302
    assert response.url == reverse("workspace:case-detail", args=[case.pk]) + "#liver-panel"
    referral = PanelReferral.objects.get(case=case)
    assert referral.reviews.count() == 3


def test_send_form_errors_re_render_the_section(client, case, panel, referral, coordinator):
    client.force_login(coordinator)
    url = reverse("liverpanel:case-send", kwargs={"case_id": case.pk})

    missing = client.post(url, {"panel": str(panel.pk), "question": ""})
    assert missing.status_code == 400
    assert "This field is required." in missing.content.decode()

    unknown = client.post(
        url,
        {"panel": str(panel.pk), "question": "Again?", "referring_surgeon_username": "nobody"},
        HTTP_HX_REQUEST="true",
    )
    assert unknown.status_code == 400
    assert "No such active account." in unknown.content.decode()
    assert 'id="liver-panel"' in unknown.content.decode()

    twice = client.post(url, {"panel": str(panel.pk), "question": "Again?"}, HTTP_HX_REQUEST="true")
    assert twice.status_code == 409
    assert "The case is already with this panel." in twice.content.decode()
    assert PanelReferral.objects.count() == 1


def test_withdraw_needs_a_reason(client, referral, coordinator, viewer):
    url = reverse("liverpanel:withdraw", kwargs={"referral_id": referral.pk})
    client.force_login(viewer)
    assert client.post(url, {"reason": "x"}).status_code == 403

    client.force_login(coordinator)
    assert client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true").status_code == 400
    response = client.post(url, {"reason": "Patient declined surgery"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "The case is withdrawn from the panel." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


def test_rereview_is_scheduled_and_then_due_prefills_the_send_form(
    client, referral, reviewers, chair, coordinator, case
):
    _review_all(referral, reviewers)
    services.panel_conclusion_record(
        referral=referral, chair=chair, category="resectable", plan=_plan(referral)
    )
    client.force_login(coordinator)
    url = reverse("liverpanel:rereview", kwargs={"referral_id": referral.pk})
    past = client.post(url, {"rereview_on": timezone.localdate().isoformat()})
    assert past.status_code == 400 and "Choose a day after today." in past.content.decode()

    later = timezone.localdate() + datetime.timedelta(weeks=8)
    assert client.post(url, {"rereview_on": later.isoformat()}).status_code == 302
    referral.refresh_from_db()
    assert referral.rereview_on == later

    # Once the day has come, the case page says so and the send form reviews the round again.
    PanelReferral.objects.filter(pk=referral.pk).update(rereview_on=timezone.localdate())
    page = client.get(reverse("workspace:case-detail", args=[case.pk])).content.decode()
    assert 'data-testid="rereview-due"' in page
    assert f'name="previous" value="{referral.pk}"' in page
