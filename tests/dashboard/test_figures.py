"""Each exceptions panel's figures against the hand-computed world (tests/dashboard/world.py), through the API
as ops.oscar (EMEA lead); AMER rows never count, on the API, the page or the CSV."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from tests.dashboard import world as dashboard_world

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["summarised", "live"])
def world(db, request):
    """Every figure twice: read from the summary tables after a refresh, and computed live before any."""
    return dashboard_world.build(summarise=request.param == "summarised")


def panel(client, key, **params):
    response = client.get(f"/api/v1/dashboard/{key}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def by(rows, column):
    return {row[column]: row for row in rows}


def test_active_exceptions_by_process_segment_and_region(world, browse):
    client = browse(world.oscar)
    process = by(panel(client, "exceptions-by-process")["rows"], "name")
    assert {name: (row["active"], row["monthly_cost"]) for name, row in process.items()} == {
        "Fulfilment": (2, 800.0),
        "Billing": (1, 200.0),
    }
    segment = by(panel(client, "exceptions-by-segment")["rows"], "name")
    assert {name: (row["active"], row["monthly_cost"]) for name, row in segment.items()} == {
        "Gold": (2, 700.0),
        "Silver": (1, 300.0),
    }
    region = panel(client, "exceptions-by-region")
    assert [(row["name"], row["active"], row["monthly_cost"]) for row in region["rows"]] == [
        ("EMEA", 1 + 2, 1000.0)
    ]
    assert region["regions"] == ["EMEA"]
    assert region["currency"] == "EUR"


def test_the_drill_down_link_carries_the_contract_parameters(world, browse):
    client = browse(world.oscar)
    body = panel(client, "exceptions-by-process", segment=world.gold.pk)
    fulfilment = body["rows"].index(next(row for row in body["rows"] if row["name"] == "Fulfilment"))
    link = urlsplit(body["links"][fulfilment]["active"])
    assert link.path == "/exceptions/"
    assert parse_qs(link.query) == {
        "status": ["active"],
        "process": [str(world.fulfilment.pk)],
        "segment": [str(world.gold.pk)],
    }
    assert body["rows"][fulfilment]["active"] == 1  # only acme's e1 is Gold


def test_an_auditor_sees_both_regions_and_may_narrow_to_one(world, browse, make_user):
    auditor = make_user("auditor", regions=["EMEA", "AMER"])
    client = browse(auditor)
    rows = by(panel(client, "exceptions-by-region")["rows"], "name")
    assert {name: row["active"] for name, row in rows.items()} == {"EMEA": 3, "AMER": 2}
    only = panel(client, "exceptions-by-region", region="AMER")
    assert [(row["name"], row["monthly_cost"]) for row in only["rows"]] == [("AMER", 9100.0)]


def test_new_approved_rejected_withdrawn_per_month(world, browse):
    month = dashboard_world.month_start(3).strftime("%Y-%m")
    rows = by(panel(browse(world.oscar), "exceptions-per-month")["rows"], "month")
    assert len(rows) == 12
    assert {k: rows[month][k] for k in ("new", "approved", "rejected", "withdrawn")} == {
        "new": 5,
        "approved": 3,
        "rejected": 1,
        "withdrawn": 1,
    }
    assert sum(row["approved"] for row in rows.values()) == 3  # AMER's approval never counts


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="medians are percentile_cont, PostgreSQL's (SQLite shows the mean or —)",
)
def test_time_to_decision_median_and_p90_per_route(world, browse):
    month = dashboard_world.month_start(3).strftime("%Y-%m")
    rows = {
        (row["month"], row["route"]): row for row in panel(browse(world.oscar), "time-to-decision")["rows"]
    }
    lead, board = rows[(month, "lead")], rows[(month, "board")]
    assert (lead["decisions"], lead["median_days"], lead["p90_days"]) == (
        3,
        pytest.approx(4),
        pytest.approx(5.6),
    )
    assert (board["decisions"], board["median_days"], board["p90_days"]) == (
        1,
        pytest.approx(10),
        pytest.approx(10),
    )
    assert len(rows) == 2


def test_expiring_within_30_days_and_sunsets(world, browse):
    body = panel(browse(world.oscar), "expiring-soon")
    rows = by(body["rows"], "name")
    assert set(rows) == {"Fulfilment"}
    today = timezone.localdate()
    assert (rows["Fulfilment"]["expiring"], rows["Fulfilment"]["sunset"]) == (1, 1)
    assert rows["Fulfilment"]["next_expiry"] == (today + dt.timedelta(days=20)).isoformat()
    link = parse_qs(urlsplit(body["links"][0]["expiring"]).query)
    assert link["expires_after"] == [today.isoformat()]
    assert link["expires_before"] == [(today + dt.timedelta(days=30)).isoformat()]


def test_estimated_against_actual_cost_this_month(world, browse):
    this_month = timezone.localdate().strftime("%Y-%m")
    rows = {
        (row["month"], row["process"]): row
        for row in panel(browse(world.oscar), "cost-estimated-vs-actual")["rows"]
    }
    fulfilment = rows[(this_month, "Fulfilment")]
    assert (fulfilment["estimated"], fulfilment["actual"], fulfilment["difference"]) == (800.0, 250.0, -550.0)
    assert all(row["actual"] != 999.0 for row in rows.values())


def test_drift_per_process(world, browse):
    rows = by(panel(browse(world.oscar), "drift-per-process")["rows"], "name")
    assert {
        name: (row["customers_now"], row["in_scope"], row["drift_now"]) for name, row in rows.items()
    } == {
        "Fulfilment": (2, 2, 100.0),
        "Billing": (1, 2, 50.0),
    }


def test_customers_costing_more_than_a_share_of_revenue(world, browse):
    client = browse(world.oscar)
    rows = panel(client, "cost-over-revenue")["rows"]
    # acme: 12 × (500 + 200) + 1,000 = 9,400 a year > 5 % of 100,000; borealis 3,600 < 50,000; zenith is AMER.
    assert [(row["name"], row["yearly_cost"], row["share_percent"]) for row in rows] == [
        ("Acme", 9400.0, 9.4)
    ]
    assert panel(client, "cost-over-revenue", share="10")["rows"] == []


def test_the_summary_counts_only_the_leads_regions(world, browse):
    body = browse(world.oscar).get("/api/v1/dashboard/summary/").json()
    assert body["exceptions_by_status"]["active"] == 3
    assert body["exceptions_by_status"]["rejected"] == 1
    assert body["active_exception_monthly_cost"] == 1000.0
    assert body["regions"] == ["EMEA"]


def test_an_emea_lead_never_sees_amer_on_the_page_or_in_the_csv(world, browse):
    client = browse(world.oscar)
    page = client.get("/dashboard/").content.decode()
    assert "Acme" in page and "EUR 9,400" in page
    assert "Zenith" not in page and "9,100" not in page and "AMER" not in page
    for key in ("exceptions-by-region", "cost-over-revenue", "exceptions-by-process"):
        response = client.get(f"/dashboard/{key}.csv")
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "Zenith" not in text and "AMER" not in text and "9100" not in text
    region_csv = b"".join(client.get("/dashboard/exceptions-by-region.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert region_csv.splitlines() == ["Region,Active,Monthly cost (EUR)", "EMEA,3,1000.00"]
