"""Each metric's figures on the hand-made board of conftest.py, counted by hand in comments."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.analytics.aggregates import interpolated_percentile
from apps.analytics.metrics import REGISTRY, Scope
from apps.analytics.periods import Period
from apps.meetings.selectors.concordance import concordance_summary

pytestmark = pytest.mark.django_db

YEAR_2026 = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))


def _table(slug, hospital, period=YEAR_2026):
    return REGISTRY[slug].compute(Scope(hospital=hospital, period=period))


def _figures(slug, hospital, period=YEAR_2026):
    return {row["measure"]: row["value"] for row in _table(slug, hospital, period).rows}


def _bars(slug, hospital, key="count", period=YEAR_2026):
    first = _table(slug, hospital, period).columns[0].key
    return {row[first]: row[key] for row in _table(slug, hospital, period).rows}


def test_cases_per_month_counts_new_referrals_and_cases_discussed_again(board, hospital):
    table = _table("cases-per-month", hospital)
    rows = {row["period"]: (row["series_0"], row["series_1"]) for row in table.rows}
    assert len(rows) == 12  # every month of the range, empty ones included
    # New: A in January, B in February, D in March, E in May (C was referred in 2025).
    # Again: C at M2 (after M0) in March, A at M3 (after M1) in April.
    assert rows["Jan 2026"] == (1, 0)
    assert rows["Feb 2026"] == (1, 0)
    assert rows["Mar 2026"] == (1, 1)
    assert rows["Apr 2026"] == (0, 1)
    assert rows["May 2026"] == (1, 0)
    assert sum(new for new, _ in rows.values()) == 4
    assert not table.empty


def test_referral_to_meeting_days_median_and_90th_percentile(board, hospital):
    figures = _figures("referral-to-meeting", hospital)
    # A: 10 Jan -> 10 Feb = 31 days; B: 1 Feb -> 10 Mar = 37 days; C first discussed in 2025.
    assert figures["Cases first discussed in the range"] == 2
    assert figures["Median"] == 34.0
    assert figures["90th percentile"] == 36.4  # 31 + 0.9 * (37 - 31)


def test_discussed_at_first_meeting_share(board, hospital):
    figures = _figures("discussed-first-meeting", hospital)
    # First listed in the range: A at M1 (discussed), B at M1 (moved on), D at M3 (no decision).
    assert figures["Cases first listed (signed-off meetings)"] == 3
    assert figures["Cases discussed there"] == 1
    assert figures["Discussed at the first meeting listed on"] == 33.3


def test_concordance_counts_current_decisions_only(board, hospital):
    # A at M1 agrees, A at M3 now modifies (v2 replaces v1), B departs, C at M2 agrees.
    assert _bars("concordance", hospital) == {
        "Agrees with the recommendation": 2,
        "Modifies the recommendation": 1,
        "Departs from the recommendation": 1,
    }
    assert _bars("concordance", hospital, "percent")["Agrees with the recommendation"] == 50.0


def test_concordance_matches_the_concordance_audit(board, hospital, coordinator):
    audit = concordance_summary(
        user=coordinator, date_from=YEAR_2026.start, date_to=YEAR_2026.end
    ).totals
    bars = _bars("concordance", hospital)
    assert list(bars.values()) == [audit.agree, audit.modified, audit.disagree]
    reasons = _bars("departure-reasons", hospital)
    assert sum(reasons.values()) == sum(audit.departures_by_reason.values())


def test_departure_reasons_list_every_reason(board, hospital):
    reasons = _bars("departure-reasons", hospital)
    assert reasons["Patient preference"] == 1
    assert reasons["Comorbidity"] == 1
    assert reasons["Clinical trial"] == 0  # the other hospital's
    assert len(reasons) == 6


def test_surgeons_agreement(board, hospital):
    figures = _figures("surgeons-agreement", hospital)
    # A at M1 (two agree) and B at M2 (two differ); C has one vote, A at M3 is not revealed.
    assert figures["Cases with two or more revealed votes"] == 2
    assert figures["Cases with unanimous votes"] == 1
    assert figures["Cases where the surgeons' revealed votes all agree"] == 50.0


def test_time_per_case(board, hospital):
    figures = _figures("time-per-case", hospital)
    # 300, 600 and 900 s in 2026 (400 s at M0 is in 2025; C at M2 was not timed).
    assert figures["Cases timed in presentation mode"] == 3
    assert figures["Median"] == 600.0
    assert figures["90th percentile"] == 840.0


def test_quorum(board, hospital):
    figures = _figures("quorum", hospital)
    # Current decisions: A@M1, A@M3 v2, C@M2 quorate; B@M2 not.
    assert figures["Decisions"] == 4
    assert figures["Decisions recorded with a quorum"] == 3
    assert figures["Share of decisions recorded with a quorum"] == 75.0
    assert figures["Meetings with decisions"] == 3
    assert figures["Meetings whose decisions were all quorate"] == 2  # M1 and M3


def test_range_ends_are_included_by_local_date(board, hospital):
    one_day = Period(start=datetime.date(2026, 2, 10), end=datetime.date(2026, 2, 10))
    # Only M1 that day: A timed 300 s (B was moved on, untimed).
    assert _figures("time-per-case", hospital, one_day)["Median"] == 300.0
    day_before = Period(start=datetime.date(2026, 2, 9), end=datetime.date(2026, 2, 9))
    assert _table("time-per-case", hospital, day_before).empty


def test_late_evening_meeting_counts_on_its_local_date(board, hospital, coordinator):
    from tests.analytics.conftest import item, meeting

    # 23:30 in London on 30 June is 22:30 UTC: a June meeting, not a July one.
    late = meeting(hospital, "2026-06-30", hour=23, minute=30)
    item(late, board.cases.e, seconds=120)
    june = Period(start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 30))
    july = Period(start=datetime.date(2026, 7, 1), end=datetime.date(2026, 7, 31))
    assert _figures("time-per-case", hospital, june)["Median"] == 120.0
    assert _table("time-per-case", hospital, july).empty


def test_referral_dates_on_the_range_ends_count(board, hospital):
    edges = Period(start=datetime.date(2026, 1, 10), end=datetime.date(2026, 2, 1))
    rows = _table("cases-per-month", hospital, edges).rows
    assert [row["series_0"] for row in rows] == [1, 1]  # A on the first day, B on the last


def test_other_hospital_counts_nothing_of_ours(board, other_hospital):
    # Their one case: departs for a trial, without quorum, 1,000 s, votes differ.
    assert _bars("departure-reasons", other_hospital)["Clinical trial"] == 1
    assert _figures("time-per-case", other_hospital)["Median"] == 1000.0
    assert _figures("quorum", other_hospital)["Decisions"] == 1
    assert _figures("surgeons-agreement", other_hospital)["Cases with unanimous votes"] == 0


def test_every_metric_is_empty_over_a_range_without_data(board, hospital):
    empty = Period(start=datetime.date(2030, 1, 1), end=datetime.date(2030, 12, 31))
    for slug in REGISTRY:
        assert _table(slug, hospital, empty).empty, slug


def test_long_ranges_count_by_year(board, hospital):
    decade = Period(start=datetime.date(2020, 1, 1), end=datetime.date(2029, 12, 31))
    rows = {
        row["period"]: row["series_0"] for row in _table("cases-per-month", hospital, decade).rows
    }
    assert len(rows) == 10
    assert rows["2025"] == 1  # C
    assert rows["2026"] == 4


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_each_metric_costs_a_fixed_number_of_queries(board, hospital, slug):
    with CaptureQueriesContext(connection) as queries:
        _table(slug, hospital)
    assert 1 <= len(queries.captured_queries) <= 3


def test_percentile_fallback_interpolates_as_postgresql():
    assert interpolated_percentile([], 0.5) is None
    assert interpolated_percentile([7], 0.9) == 7.0
    assert interpolated_percentile([1, 2, 3, 4], 0.5) == 2.5
    assert interpolated_percentile([10, 20, 30, 40, 50], 0.9) == 46.0


def test_referral_to_meeting_counts_cases_by_their_first_discussion(board, hospital):
    december = Period(start=datetime.date(2025, 12, 1), end=datetime.date(2025, 12, 31))
    figures = _figures("referral-to-meeting", hospital, december)
    # C: referred 20 Nov, first discussed 9 Dec (its discussion in March 2026 is not a first).
    assert figures["Cases first discussed in the range"] == 1
    assert figures["Median"] == 19.0
    march = Period(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert _figures("referral-to-meeting", hospital, march)["Median"] == 37.0  # B only
