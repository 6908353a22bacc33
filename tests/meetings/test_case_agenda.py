"""The case page's one read of a case's agendas (`case_agenda`) answers what the selectors of
each part answer by a query of their own: the meeting the case waits for, its signed decisions
with the treatment given, the postponement it waits on, and whether a re-discussion can be
pending. Checked at each step of a case's life over several meetings."""

import datetime

import pytest
from django.utils import timezone

from apps.meetings.selectors.carry_over import case_waiting_for_meeting
from apps.meetings.selectors.case_agenda import case_agenda
from apps.meetings.selectors.readiness import case_next_meeting
from apps.meetings.selectors.rediscussion import case_rediscussion
from apps.meetings.selectors.treatment import case_decided_items
from apps.meetings.services import agenda_item_add
from apps.meetings.services.agenda_moves import agenda_item_postpone
from apps.meetings.services.decisions import decision_record
from apps.meetings.services.sign_off import meeting_sign_off
from apps.meetings.services.treatment import treatment_record
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(days=7)
PLAN = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}


def _decided(items):
    return [
        (item.pk, item.treatment_record and item.treatment_record.pk, item.treatment_days)
        for item in items
    ]


def _assert_as_the_selectors_say(case):
    agenda = case_agenda(case=case)
    assert agenda.next_meeting == case_next_meeting(case=case)
    assert _decided(agenda.decided_items) == _decided(case_decided_items(case=case))
    assert agenda.waiting_for_meeting == case_waiting_for_meeting(case=case)
    if not agenda.asks_back:
        assert case_rediscussion(case=case) is None
    return agenda


def _meeting(hospital, chair, when, **fields):
    return MeetingFactory(
        hospital=hospital, chair=chair, scheduled_for=when, status="in_progress", **fields
    )


def test_case_agenda_answers_as_each_selector_over_a_case_s_meetings(
    hospital, chair, clinician, coordinator, case
):
    start = timezone.now() - 10 * WEEK
    agenda = _assert_as_the_selectors_say(case)
    assert agenda.next_meeting is None and agenda.decided_items == [] and not agenda.asks_back

    # Decided at a first meeting, asked back; the treatment given recorded after sign-off.
    first = _meeting(hospital, chair, start)
    decided = agenda_item_add(meeting=first, case=case, actor=coordinator)
    assert _assert_as_the_selectors_say(case).next_meeting == first
    decision_record(
        item=decided,
        actor=clinician,
        data={**PLAN, "rediscuss_in_weeks": 4, "rediscuss_reason": "Restage"},
    )
    assert not _assert_as_the_selectors_say(case).asks_back  # not signed yet
    meeting_sign_off(meeting=first, actor=chair)
    agenda = _assert_as_the_selectors_say(case)
    assert [item.pk for item in agenda.decided_items] == [decided.pk]
    assert agenda.asks_back and case_rediscussion(case=case) is not None
    treatment_record(
        item=decided,
        actor=coordinator,
        data={
            "treatment_code": "HEPATECTOMY",
            "started_on": timezone.localdate(start) + datetime.timedelta(days=5),
            "matches": "yes",
        },
    )
    assert _assert_as_the_selectors_say(case).decided_items[0].treatment_days == 5

    # Postponed at a second meeting with no later one: it waits for a meeting.
    second = _meeting(hospital, chair, start + 4 * WEEK)
    postponed = agenda_item_add(meeting=second, case=case, actor=coordinator)
    agenda_item_postpone(item=postponed, reason="out_of_time", actor=coordinator)
    meeting_sign_off(meeting=second, actor=chair)
    assert _assert_as_the_selectors_say(case).waiting_for_meeting == postponed

    # Taken by a later meeting: no longer waiting, and that meeting is the one it waits for.
    third = MeetingFactory(hospital=hospital, scheduled_for=timezone.now() + WEEK)
    agenda_item_add(meeting=third, case=case, actor=coordinator)
    agenda = _assert_as_the_selectors_say(case)
    assert agenda.waiting_for_meeting is None and agenda.next_meeting == third
    assert [item.pk for item in agenda.decided_items] == [decided.pk]
