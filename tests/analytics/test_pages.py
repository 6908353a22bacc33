"""The analytics page and its CSV downloads: figures shown, charts drawn, empty states, bad
ranges, roles and hospitals, safe CSV and a fixed query count."""

import csv
import io

import pytest
from django.urls import reverse

from apps.analytics.export import safe_cell
from apps.analytics.metrics import REGISTRY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
PAGE = "analytics:analytics"


def _page(client, user, query=YEAR):
    client.force_login(user)
    return client.get(reverse(PAGE), query)


@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
def test_every_role_of_the_hospital_reads_the_numbers(client, make_user, board, role):
    response = _page(client, make_user(role))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>The board's numbers</h1>" in page
    assert "10 min 0 s" in page  # median time per case, 600 s
    assert "34 days" in page  # median referral to meeting
    assert "33.3 %" in page  # discussed at the first meeting


def test_page_draws_bar_charts_with_their_tables(client, coordinator, board):
    page = _page(client, coordinator).content.decode()
    # Cases per month, postponement reasons, decisions carried out, why not, concordance and
    # departure reasons.
    assert page.count('<svg class="bar-chart"') == 6
    assert 'role="img"' in page
    assert "<caption>Reasons for departing from the pathway</caption>" in page
    assert "Comorbidity" in page


def test_page_names_no_patient(client, coordinator, board):
    page = _page(client, coordinator).content.decode()
    assert board.cases.a.patient.family_name.upper() not in page.upper()


def test_page_shows_empty_states(client, coordinator):
    page = _page(client, coordinator).content.decode()
    assert page.count("Nothing to count from") == len(REGISTRY)
    assert "<svg" not in page


def test_page_bad_range_is_a_400_naming_the_field(client, coordinator):
    response = _page(client, coordinator, {"from": "2026-05-01", "to": "2026-04-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="range-from-error"' in page
    assert "Must not be after" in page
    response = _page(client, coordinator, {"to": "31/12/2026"})
    assert response.status_code == 400
    assert 'id="range-to-error"' in response.content.decode()


def test_page_refuses_an_account_without_role_or_hospital(client):
    assert _page(client, UserFactory(role=None)).status_code == 403
    assert _page(client, UserFactory(role="coordinator", hospital=False)).status_code == 403


def test_page_needs_login(client):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_page_other_hospital_sees_its_own_numbers(client, make_user, other_hospital, board):
    page = _page(client, make_user("viewer", hospital=other_hospital)).content.decode()
    assert "16 min 40 s" in page  # their one case, 1,000 s
    assert "10 min 0 s" not in page


def test_page_query_count_is_fixed(client, coordinator, board, django_assert_max_num_queries):
    _page(client, coordinator)
    # Session, user, roles, hospital (4) and at most 3 a metric.
    assert len(REGISTRY) == 14
    with django_assert_max_num_queries(4 + 3 * len(REGISTRY)):
        assert client.get(reverse(PAGE), YEAR).status_code == 200


def _csv(client, user, metric, query=YEAR):
    client.force_login(user)
    return client.get(reverse("analytics:metric-csv", args=[metric]), query)


def test_csv_download_is_the_table(client, viewer, board):
    response = _csv(client, viewer, "departure-reasons")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="departure-reasons_2026-01-01_2026-12-31.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Reason", "Count", "Share %"]
    assert ["Comorbidity", "1", "50.0"] in rows


def test_csv_figures(client, viewer, board):
    rows = list(csv.reader(io.StringIO(_csv(client, viewer, "time-per-case").content.decode())))
    assert rows[:2] == [["Measure", "Value"], ["Median", "600.0"]]


def test_csv_refuses_bad_ranges_and_unknown_metrics(client, viewer):
    response = _csv(client, viewer, "quorum", {"from": "2026-02-30"})
    assert response.status_code == 400
    assert "from" in response.content.decode()
    assert _csv(client, viewer, "nonsense").status_code == 404


def test_csv_cells_never_become_formulas():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("+1") == "'+1"
    assert safe_cell("-cmd") == "'-cmd"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("Comorbidity") == "Comorbidity"
    assert safe_cell(-3) == -3  # a number stays a number
    assert safe_cell(None) == ""


def test_dashboard_and_navigation_link_both_pages(client, viewer):
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("analytics:worklist")}"' in page
    assert f'href="{reverse("analytics:analytics")}"' in page
    assert 'id="dashboard-worklist"' in page and 'id="dashboard-analytics"' in page
