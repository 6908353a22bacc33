"""A small hand-made board whose every figure is counted by hand (see `board`).

Meetings are at 09:00 London time; the range is the year 2026 unless a test says otherwise.
Rows are made with the ORM directly (the services that make them have their own tests), which
keeps the scenario readable and fast."""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.utils import timezone

from apps.meetings.models import AgendaItem, Decision, Meeting, ResectabilityVote
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


def item(the_meeting, the_case, *, moved_to=None, seconds=0, revealed=False):
    return AgendaItem.objects.create(
        meeting=the_meeting,
        case=the_case,
        position=the_meeting.agenda_items.count() + 1,
        moved_to=moved_to,
        discussion_seconds=seconds,
        votes_revealed_at=timezone.now() if revealed else None,
    )


def decide(the_item, by, agreement="agree", *, version=1, reason="", quorate=True):
    departs = agreement != "agree"
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
      agree) and again at M3 (v1 agree, v2 modified for patient preference, quorate, 900 s,
      2 votes not revealed);
    case B referred 2026-02-01: listed at M1 and moved to M2; discussed at M2 (departs for
      comorbidity, not quorate, 600 s, 2 revealed votes that differ);
    case C referred 2025-11-20: discussed at M0 (agree) and again at M2 (agree, quorate, one
      revealed vote);
    case D referred 2026-03-01: listed at M3, no decision;
    case E referred 2026-05-05: never listed.
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
    decide(a1, by)
    votes(a1, "resectable", "resectable")
    a3 = item(m3, a, seconds=900)
    decide(a3, by)
    decide(a3, by, "modified", version=2, reason="patient_preference")
    votes(a3, "resectable", "unresectable")

    item(m1, b, moved_to=m2)
    b2 = item(m2, b, seconds=600, revealed=True)
    decide(b2, by, "disagree", reason="comorbidity", quorate=False)
    votes(b2, "resectable", "unresectable")

    decide(item(m0, c, seconds=400), by)
    c2 = item(m2, c, revealed=True)
    decide(c2, by)
    votes(c2, "resectable")

    item(m3, d)

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
