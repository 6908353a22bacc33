"""A whole round of the panel on PostgreSQL, through the API as its users make it: the
referral, the seeded draw, three blind reviews that disagree, the escalation to five, the
majority, the chair's conclusion and plan, and the result back on the case."""

import pytest
from django.urls import reverse

from apps.liverpanel.draw import replay
from apps.liverpanel.models import PanelMember, PanelReferral
from apps.liverpanel.services import panel_referral_create, panel_review_submit

from .conftest import RESECTION_PLAN

pytestmark = pytest.mark.django_db


def _reviewers(referral, stage):
    return [
        review.member.user
        for review in referral.reviews.filter(stage=stage).select_related("member__user")
    ]


def test_panel_round_escalates_and_the_majority_of_five_concludes(
    panel, panel_case, coordinator, surgeons, chair, client_for
):
    referring = surgeons[0]
    referral = panel_referral_create(
        case=panel_case,
        panel=panel,
        question="Resectable in two stages?",
        actor=coordinator,
        referring_surgeon=referring,
        seed=20261206,
    )
    first = _reviewers(referral, 1)
    assert len(first) == 3
    assert referring not in first
    # The draw is recorded and replays to the same members.
    record = referral.draws[0]
    assert record["seed"] == 20261206
    assert replay(record) == record["drawn"]
    assert set(record["drawn"]) == {
        str(member.pk) for member in PanelMember.objects.filter(panel=panel, user__in=first)
    }
    # The same seed on the same roster and loads gives the same reviewers again.
    candidates = [(c["member"], c["open_reviews"]) for c in record["candidates"]]
    assert str(PanelMember.objects.get(user=referring).pk) not in dict(candidates)

    calls = ["resectable", "potentially_resectable", "unresectable"]
    for reviewer, call in zip(first, calls, strict=True):
        client = client_for(reviewer)
        url = reverse("api:panel-referral-review", kwargs={"referral_id": referral.pk})
        body = {"category": call, "note": f"{call} in my view"}
        if call != "unresectable":
            body["plan"] = RESECTION_PLAN
        answer = client.post(url, body, format="json")
        assert answer.status_code == 201, answer.content
        shown = answer.json()
        # Blind: the reviewer reads their own review, nobody else's, until all are in.
        assert shown["my_review"]["category"] == call
        assert shown["reviews"] == []
        assert shown["disagreement"] == ""

    referral.refresh_from_db()
    assert referral.status == "escalated"
    assert referral.disagreement == "major"
    added = _reviewers(referral, 2)
    assert len(added) == 2
    assert not set(added) & set(first)
    assert referring not in added
    assert len(referral.draws) == 2 and replay(referral.draws[1]) == referral.draws[1]["drawn"]

    # The first three still see nothing of each other while the added two review.
    early = client_for(first[0]).get(
        reverse("api:panel-referral-detail", kwargs={"referral_id": referral.pk})
    )
    assert early.json()["reviews"] == [] and early.json()["reviews_submitted"] == 3

    for reviewer in added:
        answer = client_for(reviewer).post(
            reverse("api:panel-referral-review", kwargs={"referral_id": referral.pk}),
            {"category": "potentially_resectable", "plan": RESECTION_PLAN},
            format="json",
        )
        assert answer.status_code == 201, answer.content

    referral.refresh_from_db()
    assert referral.status == "awaiting_conclusion"
    assert referral.majority_category == "potentially_resectable"
    revealed = (
        client_for(first[0])
        .get(reverse("api:panel-referral-detail", kwargs={"referral_id": referral.pk}))
        .json()
    )
    assert len(revealed["reviews"]) == 5
    assert sorted(review["category"] for review in revealed["reviews"]) == sorted(
        [*calls, "potentially_resectable", "potentially_resectable"]
    )

    # The chair cannot go against the majority.
    chair_client = client_for(chair)
    conclusion_url = reverse("api:panel-referral-conclusion", kwargs={"referral_id": referral.pk})
    against = chair_client.post(
        conclusion_url, {"category": "resectable", "plan": RESECTION_PLAN}, format="json"
    )
    assert against.status_code == 400
    assert "category" in against.json()["errors"]
    concluded = chair_client.post(
        conclusion_url,
        {
            "category": "potentially_resectable",
            "plan": RESECTION_PLAN,
            "note": "Convert, then two-stage hepatectomy.",
        },
        format="json",
    )
    assert concluded.status_code == 201, concluded.content
    conclusion = concluded.json()["conclusion"]
    assert conclusion["category"] == "potentially_resectable"
    assert conclusion["plan_lines"][0] == (
        "Lesion 1 (segment 3, 25 mm): parenchyma-sparing resection of segment 3"
    )
    assert conclusion["plan_lines"][-1] == ("Two-stage hepatectomy, after portal vein embolisation")
    # The pathway called the case potentially resectable too.
    assert conclusion["agrees_with_pathway"] is True

    # Back on the case, for the referring hospital.
    on_case = client_for(coordinator).get(
        reverse("api:case-panel-referrals", kwargs={"case_id": panel_case.pk})
    )
    assert on_case.status_code == 200
    (round_,) = on_case.json()["results"]
    assert round_["conclusion"]["category_label"] == "Potentially resectable"
    assert round_["disagreement"] == "major"
    assert round_["turnaround_days"] == 0
    assert len(round_["reviews"]) == 5
    referral = PanelReferral.objects.get(pk=referral.pk)
    assert referral.concluded_by == chair


def test_panel_round_three_agreeing_conclude_without_escalation(
    panel, panel_case, coordinator, chair
):
    referral = panel_referral_create(
        case=panel_case, panel=panel, question="?", actor=coordinator, seed=1
    )
    for review in referral.reviews.select_related("member__user"):
        panel_review_submit(
            referral=referral,
            reviewer=review.member.user,
            category="resectable",
            plan=RESECTION_PLAN,
        )
    referral.refresh_from_db()
    assert referral.status == "awaiting_conclusion"
    assert referral.disagreement == "none"
    assert referral.reviews.count() == 3
    assert referral.majority_category == "resectable"
