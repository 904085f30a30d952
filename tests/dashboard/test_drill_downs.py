"""The drift and cost panels' drill-downs (issue 15, item 4): drift's "customers holding one" and "customers
in scope" open the customers list filtered so that it counts the figure; estimated and actual cost open the
requests in force that month and those with a cost booked that month (tests/dashboard/world.py's world)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from tests.dashboard import world as dashboard_world
from tests.dashboard.panels_fixture import list_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return dashboard_world.build()


def panel(client, key, **params):
    response = client.get(f"/api/v1/dashboard/{key}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def rows_with_links(body, column):
    return {row[column]: (row, links) for row, links in zip(body["rows"], body["links"], strict=True)}


def customers(client, url) -> list[str]:
    parts = urlsplit(url)
    assert parts.path == "/segments/customers/"
    response = client.get(f"/api/v1/customers/?{parts.query}")
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Fulfilment": ["Acme", "Borealis"], "Billing": ["Acme"]}),
        ({"segment": "gold"}, {"Fulfilment": ["Acme"], "Billing": ["Acme"]}),
    ],
)
def test_drifts_customers_are_the_customers_list_holding_an_active_one(world, browse, params, expected):
    client = browse(world.oscar)
    if params.get("segment") == "gold":
        params = {"segment": world.gold.pk}
    body = panel(client, "drift-per-process", **params)
    by_process = rows_with_links(body, "name")
    assert set(by_process) == set(expected)
    for name, (row, links) in by_process.items():
        holding = links["customers_now"]
        assert parse_qs(urlsplit(holding).query)["holds_active"] == [str(row["ref"])]
        assert customers(client, holding) == expected[name]  # never Zenith (AMER)
        assert row["customers_now"] == list_count(client, holding)
        assert row["in_scope"] == list_count(client, links["in_scope"])
    assert row["in_scope"] == (1 if params else 2)


def test_a_customer_whose_exception_is_no_longer_active_is_not_holding_one(world, browse):
    world.e3.status = "expired"
    world.e3.save(update_fields=["status"])
    dashboard_world.refresh()
    client = browse(world.oscar)
    by_process = rows_with_links(panel(client, "drift-per-process"), "name")
    assert "Billing" not in by_process  # acme's e3 was its only active Billing request
    url = f"/api/v1/customers/?holds_active={world.billing.pk}"
    assert client.get(url).json()["count"] == 0


def test_a_bad_holds_active_is_a_400_naming_it(world, browse):
    response = browse(world.oscar).get("/api/v1/customers/", {"holds_active": "abc"})
    assert response.status_code == 400
    assert "holds_active" in response.json()


def test_estimated_and_actual_cost_open_the_requests_they_sum(world, browse):
    client = browse(world.oscar)
    this_month = timezone.localdate().strftime("%Y-%m")
    body = panel(client, "cost-estimated-vs-actual")
    cells = {(row["month"], row["process"]): (row, links) for row, links in zip(body["rows"], body["links"], strict=True)}  # fmt: skip
    row, links = cells[(this_month, "Fulfilment")]
    assert (row["in_force"], row["estimated"], row["booked"], row["actual"]) == (2, 800.0, 1, 250.0)
    for column, count in (("in_force", 2), ("estimated", 2), ("booked", 1), ("actual", 1)):
        assert list_count(client, links[column]) == count, column
    query = parse_qs(urlsplit(links["actual"]).query)
    assert query["process"] == [str(world.fulfilment.pk)] and query["costs_before"] == [row["last"]]
    listed = client.get(f"/api/v1/exceptions/?{urlsplit(links['actual']).query}").json()["results"]
    assert [item["id"] for item in listed] == [world.e1.pk]  # e1's 250; e5's 999 is AMER
    billing, billing_links = cells[(this_month, "Billing")]
    assert (billing["in_force"], billing["booked"]) == (1, 0)  # e3 (e4 rejected, AMER's e6 never)
    assert list_count(client, billing_links["estimated"]) == 1
