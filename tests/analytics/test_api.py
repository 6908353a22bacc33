"""GET /api/v1/analytics/<metric>/: the figures, the range's refusals (400 naming the field),
unknown metrics (404), hospital isolation and a fixed query count."""

import datetime

import pytest
from django.urls import reverse

from apps.analytics.periods import Period

pytestmark = pytest.mark.django_db

YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


def _url(metric):
    return reverse("api:analytics-metric", args=[metric])


def test_metric_answers_its_table(client_for, viewer, board):
    response = client_for(viewer, token=True).get(_url("time-per-case"), YEAR)
    assert response.status_code == 200
    body = response.json()
    assert body["metric"] == "time-per-case"
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-12-31")
    assert body["chart"] == "figures"
    assert body["empty"] is False
    assert body["rows"][0] == {"measure": "Median", "value": 600.0}
    assert body["units"] == ["seconds", "seconds", "count"]


def test_metric_bars_answer_every_month(client_for, clinician, board):
    body = client_for(clinician).get(_url("cases-per-month"), YEAR).json()
    keys = [column["key"] for column in body["columns"]]
    assert keys == ["period", "series_0", "series_1", "series_2"]
    assert len(body["rows"]) == 12
    assert body["rows"][2] == {"period": "Mar 2026", "series_0": 1, "series_1": 1, "series_2": 0}


def test_metric_counts_only_the_users_hospital(client_for, make_user, other_hospital, board):
    outsider = client_for(make_user("coordinator", hospital=other_hospital))
    body = outsider.get(_url("departure-reasons"), YEAR).json()
    counts = {row["label"]: row["count"] for row in body["rows"]}
    assert counts["Clinical trial"] == 1
    assert counts["Comorbidity"] == 0 and counts["Patient preference"] == 0


def test_default_range_is_this_month_and_the_eleven_before():
    period = Period.default(datetime.date(2026, 7, 15))
    assert (period.start, period.end) == (datetime.date(2025, 8, 1), datetime.date(2026, 7, 15))
    assert len(period.buckets()) == 12
    january = Period.default(datetime.date(2026, 1, 31))
    assert january.start == datetime.date(2025, 2, 1)


def test_metric_default_range_is_the_last_twelve_months(client_for, viewer):
    body = client_for(viewer).get(_url("cases-per-month")).json()
    default = Period.default()
    assert (body["from"], body["to"]) == (f"{default.start}", f"{default.end}")
    assert len(body["rows"]) == 12


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-05-01", "to": "2026-04-30"}, "from"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "from"),  # over fifteen years
        ({"from": "0001-01-01", "to": "0001-01-02"}, "from"),
        ({"from": "9999-12-30", "to": "9999-12-31"}, "from"),
        ({"since": "2026-01-01"}, "since"),
    ],
)
def test_metric_bad_range_is_a_400_naming_the_field(client_for, viewer, query, field):
    response = client_for(viewer).get(_url("quorum"), query)
    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert field in body["errors"]


def test_metric_fifteen_years_exactly_is_allowed(client_for, viewer):
    response = client_for(viewer).get(_url("quorum"), {"from": "2011-12-31", "to": "2026-12-31"})
    assert response.status_code == 200


def test_metric_parameter_given_twice_is_a_400(client_for, viewer):
    response = client_for(viewer).get(_url("quorum") + "?from=2026-01-01&from=2026-02-01")
    assert response.status_code == 400
    assert "from" in response.json()["errors"]


def test_unknown_metric_is_a_json_404(client_for, viewer):
    response = client_for(viewer).get(_url("happiness"))
    assert response.status_code == 404
    assert response.json()["message"]


def test_metric_is_empty_without_data(client_for, viewer):
    body = client_for(viewer).get(_url("referral-to-meeting"), YEAR).json()
    assert body["empty"] is True
    assert body["rows"][0]["value"] is None


@pytest.mark.parametrize("metric", ["cases-per-month", "concordance", "quorum"])
def test_metric_query_count_is_fixed(
    client_for, viewer, board, django_assert_max_num_queries, metric
):
    client = client_for(viewer, token=True)
    client.get(_url(metric), YEAR)
    # Token, user, roles and hospital (4), then the metric's own queries (at most 3).
    with django_assert_max_num_queries(7):
        assert client.get(_url(metric), YEAR).status_code == 200


def test_anonymous_is_refused(api_client):
    assert api_client.get(_url("quorum")).status_code == 401
