"""Fixtures the panel tests share: a regional panel of five liver surgeons in two hospitals
(one of them the chair), and a case of `hospital` with its facts and a recommendation."""

import pytest

from apps.liverpanel import services
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory


@pytest.fixture
def admin_user(make_user):
    return make_user("coordinator", specialty="coordinator", is_staff=True)


@pytest.fixture
def surgeons(make_user, hospital, other_hospital):
    """Six liver surgeons: two of `hospital`, four of `other_hospital`."""
    return [
        make_user("clinician", specialty="liver_surgeon", hospital=place)
        for place in (
            hospital,
            hospital,
            other_hospital,
            other_hospital,
            other_hospital,
            other_hospital,
        )
    ]


@pytest.fixture
def chair(make_user, other_hospital):
    """The panel's chair, a liver surgeon of the other hospital (drawn like any member)."""
    return make_user("clinician", specialty="liver_surgeon", hospital=other_hospital)


@pytest.fixture
def panel(admin_user, hospital, other_hospital, surgeons, chair):
    """A panel both hospitals send to, with the six surgeons on its roster and `chair` as
    chair (the chair is drawn like any member)."""
    made = services.panel_save(
        actor=admin_user,
        name="Regional liver panel (fictional)",
        code="rlp",
        hospitals=[hospital, other_hospital],
    )
    for surgeon in surgeons:
        services.panel_member_save(panel=made, user=surgeon, actor=admin_user)
    services.panel_member_save(panel=made, user=chair, actor=admin_user, is_chair=True)
    return made


@pytest.fixture
def panel_case(hospital, coordinator):
    """A case of `hospital` with four lesions (segments 3, 5, 7, 8), its pathway call
    "potentially resectable", evaluated once."""
    made = CaseFactory(patient__hospital=hospital, facts="bilobar-two-stage-primary-in-situ")
    recommendation_create(case=made, actor=coordinator)
    return made


# A complete local plan for `panel_case`: every lesion, resections naming their segments.
RESECTION_PLAN = {
    "lesions": [
        {"lesion": 1, "treatment": "parenchyma_sparing_resection", "segments": [3]},
        {"lesion": 2, "treatment": "anatomical_resection", "segments": [5, 6]},
        {"lesion": 3, "treatment": "anatomical_resection", "segments": [7]},
        {"lesion": 4, "treatment": "ablation"},
    ],
    "strategy": "two_stage",
    "portal_vein_embolisation": True,
}


def run_round(referral, categories, *, chair=None, seed=5):
    """Submit reviews in the order the reviewers were drawn, `categories` one each (the added
    two take the last two when the first three disagree); then, with `chair`, conclude with the
    majority's category (or the first tied one)."""
    from apps.liverpanel.services import panel_conclusion_record, panel_review_submit

    def plan_for(category):
        if category == "unresectable":
            return None
        lesions = referral.snapshot.facts["liver"]["lesions"]
        return {
            "lesions": [
                {"lesion": number, "treatment": "ablation"} for number in range(1, len(lesions) + 1)
            ]
        }

    calls = iter(categories)
    for stage in (1, 2):
        for review in referral.reviews.filter(stage=stage).select_related("member__user"):
            category = next(calls)
            panel_review_submit(
                referral=referral,
                reviewer=review.member.user,
                category=category,
                plan=plan_for(category),
                seed=seed,
            )
    referral.refresh_from_db()
    if chair is not None:
        from apps.liverpanel.selectors import referral_view

        allowed = referral_view(referral=referral, user=chair).allowed_conclusions
        panel_conclusion_record(
            referral=referral, chair=chair, category=allowed[0], plan=plan_for(allowed[0])
        )
        referral.refresh_from_db()
    return referral
