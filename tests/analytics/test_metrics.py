"""Each metric's figures on the hand-made board of conftest.py, counted by hand in comments."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.analytics.aggregates import interpolated_percentile
from apps.analytics.listings import counted_distribution
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
    rows = {
        row["period"]: (row["series_0"], row["series_1"], row["series_2"]) for row in table.rows
    }
    assert len(rows) == 12  # every month of the range, empty ones included
    # New: A in January, B in February, D in March, E in May (C was referred in 2025).
    # Again: C at M2 (after M0) in March, A at M3 (after M1) in April; only A was asked back
    # (its decision at M1 set a re-discussion date).
    assert rows["Jan 2026"] == (1, 0, 0)
    assert rows["Feb 2026"] == (1, 0, 0)
    assert rows["Mar 2026"] == (1, 1, 0)
    assert rows["Apr 2026"] == (0, 1, 1)
    assert rows["May 2026"] == (1, 0, 0)
    assert sum(new for new, *_ in rows.values()) == 4
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


def test_meeting_to_treatment_days_median_and_90th_percentile(board, hospital):
    figures = _figures("meeting-to-treatment", hospital)
    # A: M1 10 Feb -> 2 Mar = 20 days; B: M2 10 Mar -> 19 Apr = 40 days; C at M2 started none;
    # C at M0 (2025) is outside the range.
    assert figures["Treatments started after decisions in the range"] == 2
    assert figures["Median"] == 30.0
    assert figures["90th percentile"] == 38.0  # 20 + 0.9 * (40 - 20)
    december = Period(start=datetime.date(2025, 12, 1), end=datetime.date(2025, 12, 31))
    assert _figures("meeting-to-treatment", hospital, december)["Median"] == 10.0  # C at M0


def test_decisions_carried_out_over_signed_current_decisions(board, hospital):
    # Current signed decisions: A@M1 as decided, B@M2 partly, C@M2 not (none started),
    # A@M3 v2 without a record yet.
    assert _bars("decisions-carried-out", hospital) == {
        "As decided": 1,
        "Partly as decided": 1,
        "Not as decided": 1,
        "No treatment recorded yet": 1,
    }
    assert _bars("decisions-carried-out", hospital, "percent")["As decided"] == 25.0


def test_decisions_carried_out_leaves_out_unsigned_drafts(board, hospital, coordinator):
    from tests.analytics.conftest import decide, item, meeting

    draft = item(meeting(hospital, "2026-06-02", closed=False), board.cases.e)
    decide(draft, coordinator)
    assert sum(_bars("decisions-carried-out", hospital).values()) == 4


def test_reasons_decisions_were_not_carried_out(board, hospital):
    reasons = _bars("treatment-variance-reasons", hospital)
    assert reasons["Toxicity"] == 1  # B, partly
    assert reasons["Patient choice"] == 1  # C, none started
    assert sum(reasons.values()) == 2
    assert len(reasons) == 6


def test_postponement_rate(board, hospital):
    figures = _figures("postponements", hospital)
    # Listed on signed-off meetings: M1 A, B; M2 B, C; M3 A, D. Postponed: B@M1, D@M3.
    assert figures["Cases listed (signed-off meetings)"] == 6
    assert figures["Cases postponed or carried over"] == 2
    assert figures["Postponement rate"] == 33.3
    assert figures["Carried to a later meeting"] == 2


def test_postponement_reasons(board, hospital, coordinator):
    from tests.analytics.conftest import item, meeting

    reasons = _bars("postponement-reasons", hospital)
    assert reasons["Imaging not ready"] == 1
    assert reasons["Out of time"] == 1
    assert reasons["Moved on without a reason recorded"] == 0
    assert len(reasons) == 7
    # A case moved on before reasons were recorded counts without one.
    later = meeting(hospital, "2026-06-09", closed=False)
    item(meeting(hospital, "2026-06-02"), board.cases.e, moved_to=later)
    assert _bars("postponement-reasons", hospital)["Moved on without a reason recorded"] == 1


def test_share_listed_while_not_ready(board, hospital):
    figures = _figures("listed-not-ready", hospital)
    # Listings in 2026: M1 A, B; M2 B, C; M3 A, D; M4 D. Not ready: B@M1, D@M4.
    assert figures["Cases listed"] == 7
    assert figures["Cases added with their checklist incomplete"] == 2
    assert figures["Listed while not ready"] == 28.6


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
    assert _table("postponement-reasons", other_hospital).empty
    assert _table("meeting-to-treatment", other_hospital).empty
    assert _bars("decisions-carried-out", other_hospital)["No treatment recorded yet"] == 1


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


# The page computes every metric on one scope: metrics reading the same rows read them in one
# query between them (through Scope.shared), and answer what each does alone.
SHARING = {
    # The current decisions: one query.
    "current decisions": (
        ["decisions-carried-out", "concordance", "departure-reasons", "quorum"],
        1,
    ),
    # What came before each listing (apps/analytics/listings.py), and the new referrals per month.
    "listings' past": (["cases-per-month", "referral-to-meeting", "discussed-first-meeting"], 2),
}


@pytest.mark.parametrize("shared_rows", sorted(SHARING))
def test_metrics_over_the_same_rows_share_their_query_on_a_page(board, hospital, shared_rows):
    slugs, expected_queries = SHARING[shared_rows]
    alone = {slug: _table(slug, hospital).rows for slug in slugs}
    scope = Scope(hospital=hospital, period=YEAR_2026)
    with CaptureQueriesContext(connection) as queries:
        shared = {slug: REGISTRY[slug].compute(scope).rows for slug in slugs}
    assert len(queries.captured_queries) == expected_queries
    assert shared == alone


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


@given(
    st.dictionaries(
        st.integers(min_value=-30, max_value=400),
        st.integers(min_value=1, max_value=6),
        max_size=12,
    )
)
@settings(max_examples=40, deadline=None)
def test_counted_distribution_is_postgresqls_percentile_of_the_values(counts):
    # The days come back counted per value; interpolated from the counts they give what
    # PostgreSQL's percentile_cont gives over the values themselves.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's percentile_cont is the reference")
    values = sorted(value for value, count in counts.items() for _ in range(count))
    found = counted_distribution(counts)
    assert found.count == len(values)
    if not values:
        assert found.median is None and found.p90 is None
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v),"
            " percentile_cont(0.9) WITHIN GROUP (ORDER BY v) FROM unnest(%s::int[]) AS v",
            [values],
        )
        median, p90 = cursor.fetchone()
    assert found.median == pytest.approx(median)
    assert found.p90 == pytest.approx(p90)
