"""The panel's API as its careless and its unauthorised clients use it: roles, wrong input
named by field, rules of the round answered 409, and every write audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.liverpanel.models import PanelReferral, PanelReview
from apps.liverpanel.services import panel_referral_create, panel_review_submit

from .conftest import RESECTION_PLAN

pytestmark = pytest.mark.django_db


def _send_url(case):
    return reverse("api:case-panel-referrals", kwargs={"case_id": case.pk})


def _url(name, referral):
    return reverse(f"api:panel-referral-{name}", kwargs={"referral_id": referral.pk})


def test_coordinator_sends_a_case_and_reviewers_get_tasks(
    panel, panel_case, coordinator, surgeons, client_for
):
    answer = client_for(coordinator).post(
        _send_url(panel_case),
        {
            "panel": str(panel.pk),
            "question": "Two-stage?",
            "referring_surgeon": surgeons[0].username,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    shown = answer.json()
    assert shown["pseudonym"] == "RLP-0001"
    assert shown["reviews_assigned"] == 3
    assert shown["due_on"] == (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    referral = PanelReferral.objects.get(pk=shown["id"])
    assert referral.history.first().history_user == coordinator
    assert not referral.reviews.filter(member__user=surgeons[0]).exists()
    # Each reviewer has a task; the task names the pseudonym, never the patient.
    reviewer = referral.reviews.select_related("member__user").first().member.user
    tasks = client_for(reviewer).get(reverse("api:tasks")).json()
    panel_tasks = [task for task in tasks["results"] if task["kind"] == "panel_review"]
    assert [task["patient"] for task in panel_tasks] == ["RLP-0001"]
    assert panel_case.patient.family_name not in str(tasks)


@pytest.mark.parametrize("role", ["viewer", "clinician", "nurse_specialist"])
def test_only_coordinators_send(role, make_user, panel, panel_case, client_for):
    answer = client_for(make_user(role)).post(
        _send_url(panel_case), {"panel": str(panel.pk), "question": "?"}, format="json"
    )
    assert answer.status_code == 403


def test_sending_another_hospitals_case_is_404(
    panel, panel_case, make_user, other_hospital, client_for
):
    stranger = make_user("coordinator", hospital=other_hospital)
    answer = client_for(stranger).post(
        _send_url(panel_case), {"panel": str(panel.pk), "question": "?"}, format="json"
    )
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": "?"}, "panel"),
        ({"panel": "not-a-uuid", "question": "?"}, "panel"),
        ({"panel": None, "question": "?"}, "panel"),
        ({"question": ["?"], "panel": "{panel}"}, "question"),
        ({"question": "?", "panel": "{panel}", "due_on": "2020-01-01"}, "due_on"),
        ({"question": "?", "panel": "{panel}", "due_on": "tomorrow"}, "due_on"),
        ({"question": "?", "panel": "{panel}", "referring_surgeon": "nobody"}, "referring_surgeon"),
        ({"question": "?", "panel": "{panel}", "seed": 1}, "seed"),
        ({"question": "?", "panel": "{panel}", "previous": "{panel}"}, "previous"),
    ],
)
def test_send_wrong_input_names_the_field(body, field, panel, panel_case, coordinator, client_for):
    body = {key: (str(panel.pk) if value == "{panel}" else value) for key, value in body.items()}
    answer = client_for(coordinator).post(_send_url(panel_case), body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]
    assert not PanelReferral.objects.exists()


def test_send_twice_is_a_conflict_and_a_small_panel_refuses(
    panel, panel_case, coordinator, client_for
):
    client = client_for(coordinator)
    body = {"panel": str(panel.pk), "question": "?"}
    assert client.post(_send_url(panel_case), body, format="json").status_code == 201
    again = client.post(_send_url(panel_case), body, format="json")
    assert again.status_code == 409
    # A panel of two cannot hold a round: nothing is saved.
    panel.members.exclude(pk__in=panel.members.all()[:2].values("pk")).update(active=False)
    PanelReferral.objects.update(status="withdrawn")
    short = client.post(_send_url(panel_case), body, format="json")
    assert short.status_code == 409
    assert PanelReferral.objects.count() == 1


@pytest.fixture
def referral(panel, panel_case, coordinator):
    return panel_referral_create(
        case=panel_case, panel=panel, question="?", actor=coordinator, seed=3
    )


def _reviewer(referral, index=0):
    return list(referral.reviews.select_related("member__user"))[index].member.user


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "category"),
        ({"category": "maybe"}, "category"),
        ({"category": "resectable"}, "plan"),
        ({"category": "resectable", "plan": "all of it"}, "plan"),
        (
            {"category": "resectable", "plan": {"lesions": [{"lesion": 1}]}},
            "plan.lesions[0].treatment",
        ),
        (
            {
                "category": "resectable",
                "plan": {"lesions": [{"lesion": 1, "treatment": "ablation", "segments": [9]}]},
            },
            "plan.lesions[0].segments[0]",
        ),
        (
            {
                "category": "resectable",
                "plan": {
                    **RESECTION_PLAN,
                    "lesions": [
                        {**RESECTION_PLAN["lesions"][0], "segments": []},
                        *RESECTION_PLAN["lesions"][1:],
                    ],
                },
            },
            "plan.lesions[0].segments",
        ),
        ({"category": "resectable", "plan": RESECTION_PLAN, "extra": 1}, "extra"),
        ({"category": "unresectable", "note": "x" * 4001}, "note"),
    ],
)
def test_review_wrong_input_names_the_field_and_saves_nothing(body, field, referral, client_for):
    answer = client_for(_reviewer(referral)).post(_url("review", referral), body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"], answer.json()
    assert not PanelReview.objects.filter(submitted_at__isnull=False).exists()


def test_review_is_final_audited_and_refused_once_withdrawn(referral, coordinator, client_for):
    reviewer = _reviewer(referral)
    client = client_for(reviewer)
    body = {"category": "unresectable", "note": "Too extensive."}
    assert client.post(_url("review", referral), body, format="json").status_code == 201
    assert client.post(_url("review", referral), body, format="json").status_code == 409
    review = PanelReview.objects.get(referral=referral, member__user=reviewer)
    assert review.history.first().history_user == reviewer
    withdrawn = client_for(coordinator).post(
        _url("withdraw", referral), {"reason": "Patient declined surgery."}, format="json"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    late = client_for(_reviewer(referral, 1)).post(_url("review", referral), body, format="json")
    assert late.status_code == 409


def test_conclusion_only_by_the_chair_once_reviews_are_in(referral, chair, client_for):
    body = {"category": "resectable", "plan": RESECTION_PLAN}
    chair_client = client_for(chair)
    assert chair_client.post(_url("conclusion", referral), body, format="json").status_code in (
        403,
        404,
        409,
    )
    for review in referral.reviews.select_related("member__user"):
        panel_review_submit(
            referral=referral,
            reviewer=review.member.user,
            category="resectable",
            plan=RESECTION_PLAN,
        )
    reviewer = _reviewer(referral)
    if reviewer != chair:
        assert (
            client_for(reviewer).post(_url("conclusion", referral), body, format="json").status_code
            == 403
        )
    late_rereview = {**body, "rereview_on": timezone.localdate().isoformat()}
    assert (
        chair_client.post(_url("conclusion", referral), late_rereview, format="json").status_code
        == 400
    )
    on = (timezone.localdate() + datetime.timedelta(weeks=8)).isoformat()
    done = chair_client.post(
        _url("conclusion", referral), {**body, "rereview_on": on}, format="json"
    )
    assert done.status_code == 201, done.content
    assert done.json()["rereview_on"] == on
    assert chair_client.post(_url("conclusion", referral), body, format="json").status_code == 409


def test_panel_administration_is_for_administrators(
    panel, admin_user, coordinator, make_user, hospital, client_for
):
    url = reverse("api:panels")
    body = {"name": "Second panel (fictional)", "code": "second", "hospitals": [hospital.code]}
    assert client_for(coordinator).post(url, body, format="json").status_code == 403
    created = client_for(admin_user).post(url, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["hospitals"] == [hospital.code]
    duplicate = client_for(admin_user).post(url, body, format="json")
    assert duplicate.status_code == 400 and "code" in duplicate.json()["errors"]
    unknown = client_for(admin_user).post(
        url, {**body, "code": "third", "hospitals": ["nowhere"]}, format="json"
    )
    assert unknown.status_code == 400 and "hospitals" in unknown.json()["errors"]
    surgeon = make_user("clinician", specialty="liver_surgeon")
    members = reverse("api:panel-members", kwargs={"panel_id": created.json()["id"]})
    added = client_for(admin_user).post(
        members, {"username": surgeon.username, "is_chair": True}, format="json"
    )
    assert added.status_code == 201 and added.json()["is_chair"] is True
    assert (
        client_for(coordinator)
        .post(members, {"username": surgeon.username}, format="json")
        .status_code
        == 403
    )
    # A coordinator of a hospital the panel serves reads it; a stranger does not.
    listed = client_for(coordinator).get(url).json()
    assert {row["code"] for row in listed["results"]} == {"rlp", "second"}


def test_rereview_is_a_coordinators_task_when_due_and_sending_again_links_the_rounds(
    referral, chair, coordinator, client_for
):
    from .conftest import run_round

    run_round(referral, ["potentially_resectable"] * 3, chair=chair)
    in_three_days = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    client = client_for(coordinator)
    scheduled = client.post(
        _url("rereview", referral), {"rereview_on": in_three_days}, format="json"
    )
    assert scheduled.status_code == 200
    assert scheduled.json()["rereview_on"] == in_three_days
    tasks = client.get(reverse("api:tasks")).json()["results"]
    (due,) = [task for task in tasks if task["kind"] == "panel_rereview"]
    assert due["case_id"] == str(referral.case_id)
    assert due["due_on"] == in_three_days
    again = client.post(
        _send_url(referral.case),
        {
            "panel": str(referral.panel_id),
            "question": "After 4 cycles?",
            "previous": str(referral.pk),
        },
        format="json",
    )
    assert again.status_code == 201, again.content
    assert again.json()["previous"] == str(referral.pk)
    tasks = client.get(reverse("api:tasks")).json()["results"]
    assert not [task for task in tasks if task["kind"] == "panel_rereview"]
    # The earlier round is reviewed again once only.
    twice = client.post(
        _send_url(referral.case),
        {"panel": str(referral.panel_id), "question": "?", "previous": str(referral.pk)},
        format="json",
    )
    assert twice.status_code == 409


def test_chair_gets_a_task_once_reviews_are_in(referral, chair, client_for):
    from .conftest import run_round

    run_round(referral, ["resectable"] * 3)
    tasks = client_for(chair).get(reverse("api:tasks")).json()["results"]
    conclude = [task for task in tasks if task["kind"] == "panel_conclusion"]
    assert [task["patient"] for task in conclude] == [referral.pseudonym]
    assert conclude[0]["case_id"] is None
