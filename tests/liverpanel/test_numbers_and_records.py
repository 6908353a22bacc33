"""The panel's conclusion where the board reads it (the meeting's review page, the printed
record's data) and the panel's numbers (page and API)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apps.analytics.panel_numbers import panel_numbers
from apps.analytics.periods import Period
from apps.liverpanel.services import panel_referral_create, panel_referral_withdraw
from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import decision_record
from apps.recommendations.services import recommendation_create
from apps.summaries.data import summary_data
from tests.factories import CaseFactory, MeetingFactory

from .conftest import run_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(panel, panel_case, hospital, coordinator, chair, make_user):
    """Three rounds: one escalated (major disagreement) and concluded potentially resectable,
    as the pathway says, with a curative decision by the board; one where three agree on
    permanently unresectable against the pathway's resectable, undecided by the board; one
    withdrawn."""
    escalated = panel_referral_create(
        case=panel_case, panel=panel, question="Two-stage?", actor=coordinator, seed=11
    )
    run_round(
        escalated,
        [
            "resectable",
            "unresectable",
            "potentially_resectable",
            "potentially_resectable",
            "potentially_resectable",
        ],
        chair=chair,
    )
    meeting = MeetingFactory(hospital=hospital, status="in_progress", chair=make_user("clinician"))
    item = agenda_item_add(meeting=meeting, case=panel_case, actor=coordinator)
    decision_record(
        item=item,
        actor=meeting.chair,
        data={
            "intent": "curative",
            "agreement": "agree",
            "plan_codes": [escalated.snapshot.primary_code],
        },
    )
    solitary = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    recommendation_create(case=solitary, actor=coordinator)
    agreed = panel_referral_create(
        case=solitary, panel=panel, question="Worth it?", actor=coordinator, seed=12
    )
    run_round(agreed, ["unresectable"] * 3, chair=chair)
    third = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    withdrawn = panel_referral_create(
        case=third, panel=panel, question="?", actor=coordinator, seed=13
    )
    panel_referral_withdraw(referral=withdrawn, actor=coordinator, reason="Declined surgery.")
    return {"escalated": escalated, "agreed": agreed, "item": item, "meeting": meeting}


def test_numbers_count_turnaround_disagreement_and_agreement(panel, rounds):
    numbers = panel_numbers(panel=panel, period=Period.default())
    assert numbers.referred == 3
    assert numbers.by_status == {"concluded": 2, "withdrawn": 1}
    assert numbers.turnaround_days.count == 2
    assert numbers.turnaround_days.median == 0
    assert {kind: (rate.count, rate.of) for kind, rate in numbers.disagreement.items()} == {
        "none": (1, 2),
        "minor": (0, 2),
        "major": (1, 2),
    }
    assert (numbers.escalated.count, numbers.escalated.of) == (1, 2)
    assert (numbers.agrees_with_pathway.count, numbers.agrees_with_pathway.of) == (1, 2)
    assert (numbers.agrees_with_board.count, numbers.agrees_with_board.of) == (1, 1)
    assert numbers.pathway_by_conclusion == {
        "potentially_resectable": {"potentially_resectable": 1},
        "unresectable": {"resectable": 1},
    }


def test_numbers_api_and_page(panel, rounds, coordinator, make_user, other_hospital, client_for):
    url = reverse("api:panel-numbers", kwargs={"panel_id": panel.pk})
    answer = client_for(coordinator).get(url)
    assert answer.status_code == 200
    assert answer.json()["agrees_with_board"] == {"count": 1, "of": 1, "rate": 1.0}
    assert answer.json()["disagreement"]["major"]["rate"] == 0.5
    assert client_for(coordinator).get(url, {"from": "soon"}).status_code == 400
    tomorrow = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    assert client_for(coordinator).get(url, {"from": tomorrow}).status_code == 400
    stranger = make_user("coordinator", hospital=other_hospital)
    panel.hospitals.remove(other_hospital)
    assert client_for(stranger).get(url).status_code == 404
    browser = Client()
    browser.force_login(coordinator)
    page = browser.get(reverse("analytics:panel-numbers"))
    assert page.status_code == 200
    assert "Escalated to five reviewers" in page.content.decode()
    assert "50% (1 of 2)" in page.content.decode()


def test_conclusion_on_the_meeting_review_page_and_in_the_printed_record(rounds, coordinator):
    item, meeting = rounds["item"], rounds["meeting"]
    browser = Client()
    browser.force_login(coordinator)
    page = browser.get(
        reverse("meetings:item-review", kwargs={"meeting_id": meeting.pk, "item_id": item.pk})
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Liver expert panel" in text
    assert "Panel&#x27;s conclusion" in text or "Panel's conclusion" in text
    assert "the panel agrees" in text
    printed = summary_data(meeting=meeting)["cases"][0]["expert_panel"]
    assert printed["conclusion"] == "Potentially resectable"
    assert printed["pathway_resectability"] == "Potentially resectable"
    assert printed["agrees_with_pathway"] is True
    assert printed["disagreement"] == "Major (resectable against permanently unresectable)"
    assert len(printed["reviews"]) == 5
    assert printed["disagreement_sentence"].startswith("The first three reviewers disagreed")
    assert printed["plan"][-1] == "One-stage hepatectomy"
