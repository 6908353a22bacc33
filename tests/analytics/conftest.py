"""A small hand-made board whose every figure is counted by hand (see `board`).

Meetings are at 09:00 London time; the range is the year 2026 unless a test says otherwise.
Rows are made with the ORM directly (the services that make them have their own tests), which
keeps the scenario readable and fast."""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.utils import timezone

from apps.meetings.models import (
    AgendaItem,
    Decision,
    Meeting,
    ResectabilityVote,
    TreatmentGiven,
)
from apps.recommendations.models import RecommendationSnapshot
from tests.factories import CaseFactory, UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=LONDON)


def meeting(hospital, day, *, closed=True, hour=9, minute=0):
    when = at(day, hour, minute)
    return Meeting.objects.create(
        hospital=hospital,
        scheduled_for=when,
        status="closed" if closed else "scheduled",
        signed_off_at=when + datetime.timedelta(hours=2) if closed else None,
    )


def case(hospital, referred_on, **kwargs):
    return CaseFactory(
        patient__hospital=hospital, referred_on=datetime.date.fromisoformat(referred_on), **kwargs
    )


def snapshot(the_case):
    return RecommendationSnapshot.objects.create(
        case=the_case,
        pathway_version="crlm-2027.1",
        facts={},
        facts_updated_at=timezone.now(),
        result={},
        primary_code="HEPATECTOMY",
        resectability="resectable",
    )


def item(
    the_meeting,
    the_case,
    *,
    moved_to=None,
    seconds=0,
    revealed=False,
    postponed="",
    carried_from=None,
    not_ready=False,
):
    return AgendaItem.objects.create(
        meeting=the_meeting,
        case=the_case,
        position=the_meeting.agenda_items.count() + 1,
        moved_to=moved_to,
        discussion_seconds=seconds,
        votes_revealed_at=timezone.now() if revealed else None,
        postponement_reason=postponed,
        postponed_at=the_meeting.scheduled_for if postponed else None,
        carried_from=carried_from,
        added_not_ready=not_ready,
    )


def treated(the_item, by, matches="yes", *, started_on=None, reason=""):
    """The treatment given after the item's current decision: started on `started_on`, or
    none started (then not as decided)."""
    return TreatmentGiven.objects.create(
        agenda_item=the_item,
        decision=the_item.decisions.order_by("-version").first(),
        started=started_on is not None,
        treatment_code="HEPATECTOMY" if started_on else "",
        started_on=datetime.date.fromisoformat(started_on) if started_on else None,
        matches=matches,
        reason=reason,
        recorded_by=by,
    )


def decide(
    the_item, by, agreement="agree", *, version=1, reason="", quorate=True, rediscuss_on=None
):
    departs = agreement != "agree"
    meeting_signed = the_item.meeting.signed_off_at
    return Decision.objects.create(
        agenda_item=the_item,
        version=version,
        recommendation=snapshot(the_item.case),
        intent="curative",
        agreement=agreement,
        departure_reason=reason,
        departure_detail="Explained to the board." if departs else "",
        quorate=quorate,
        amendment_reason="New imaging." if version > 1 else "",
        rediscuss_on=datetime.date.fromisoformat(rediscuss_on) if rediscuss_on else None,
        rediscuss_reason="Restage after 4 cycles." if rediscuss_on else "",
        signed_off_at=meeting_signed,
        recorded_by=by,
    )


def votes(the_item, *calls):
    hospital = the_item.meeting.hospital
    for call in calls:
        ResectabilityVote.objects.create(
            agenda_item=the_item,
            surgeon=UserFactory(role="clinician", hospital=hospital),
            call=call,
        )


@pytest.fixture
def board(hospital, other_hospital, coordinator):
    """Our hospital:

    meetings M0 2025-12-09, M1 2026-02-10, M2 2026-03-10, M3 2026-04-14 (all signed off) and
    M4 2026-12-01 (scheduled);
    case A referred 2026-01-10: discussed at M1 (agree, quorate, 300 s, 2 revealed votes that
      agree, asked back on 2026-04-01; treatment started 2026-03-02 as decided: 20 days) and
      again at M3 (v1 agree, v2 modified for patient preference, quorate, 900 s, 2 votes not
      revealed; no treatment recorded yet);
    case B referred 2026-02-01: listed at M1 while not ready, postponed there (imaging not
      ready) and carried to M2; discussed at M2 (departs for comorbidity, not quorate, 600 s,
      2 revealed votes that differ; treatment started 2026-04-19 partly as decided, toxicity:
      40 days);
    case C referred 2025-11-20: discussed at M0 (agree; treatment started 2025-12-19 as
      decided) and again at M2 (agree, quorate, one revealed vote; no treatment started, not
      as decided: patient choice);
    case D referred 2026-03-01: listed at M3, no decision, postponed (out of time) and carried
      to M4, listed there while not ready;
    case E referred 2026-05-05: never listed.
    Decisions at signed-off meetings are signed.
    The other hospital: one case referred 2026-02-02, departed from at its 2026-02-10 meeting
    without quorum, 1,000 s, two differing revealed votes.
    """
    by = coordinator
    m0, m1, m2, m3 = (
        meeting(hospital, day) for day in ("2025-12-09", "2026-02-10", "2026-03-10", "2026-04-14")
    )
    m4 = meeting(hospital, "2026-12-01", closed=False)
    a, b, c = (
        case(hospital, "2026-01-10"),
        case(hospital, "2026-02-01"),
        case(hospital, "2025-11-20"),
    )
    d, e = case(hospital, "2026-03-01"), case(hospital, "2026-05-05")

    a1 = item(m1, a, seconds=300, revealed=True)
    decide(a1, by, rediscuss_on="2026-04-01")
    treated(a1, by, started_on="2026-03-02")
    votes(a1, "resectable", "resectable")
    a3 = item(m3, a, seconds=900)
    decide(a3, by)
    decide(a3, by, "modified", version=2, reason="patient_preference")
    votes(a3, "resectable", "unresectable")

    b1 = item(m1, b, moved_to=m2, postponed="imaging_not_ready", not_ready=True)
    b2 = item(m2, b, seconds=600, revealed=True, carried_from=b1)
    decide(b2, by, "disagree", reason="comorbidity", quorate=False)
    treated(b2, by, "partly", started_on="2026-04-19", reason="toxicity")
    votes(b2, "resectable", "unresectable")

    c0 = item(m0, c, seconds=400)
    decide(c0, by)
    treated(c0, by, started_on="2025-12-19")
    c2 = item(m2, c, revealed=True)
    decide(c2, by)
    treated(c2, by, "no", reason="patient_choice")
    votes(c2, "resectable")

    d3 = item(m3, d, moved_to=m4, postponed="out_of_time")
    item(m4, d, carried_from=d3, not_ready=True)

    theirs = meeting(other_hospital, "2026-02-10")
    x = item(theirs, case(other_hospital, "2026-02-02"), seconds=1000, revealed=True)
    decide(
        x,
        UserFactory(role="coordinator", hospital=other_hospital),
        "disagree",
        reason="trial",
        quorate=False,
    )
    votes(x, "resectable", "unresectable")
    return SimpleNamespace(
        meetings=(m0, m1, m2, m3, m4), cases=SimpleNamespace(a=a, b=b, c=c, d=d, e=e)
    )
