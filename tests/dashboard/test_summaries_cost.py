"""Estimated against actual cost and cost over revenue summarised (issue 15, item 7): after
`exceptions.dashboard_summaries`, the panels read `CostMonthFigure` (12 months and year to date) and
`CustomerCostFigure` (without a process filter) and show the same rows and links as computed live on the same
data (PostgreSQL and SQLite); other periods, and a process, are computed live; the queries stay the same
whatever the rows; two refreshes at once leave one set (PostgreSQL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exceptions.models import CostEntry
from exceptions.summaries.models import CostMonthFigure
from tests.concurrency import twice_at_once
from tests.dashboard import world as dashboard_world
from tests.dashboard.panels_fixture import list_count

pytestmark = pytest.mark.django_db


def panel(client, **params):
    response = client.get("/api/v1/dashboard/cost-estimated-vs-actual/", params)
    assert response.status_code == 200, response.content
    return response.json()


def _older_costs(world):
    """Costs booked in earlier months too (e1's and AMER's e5), so that several months have figures."""
    today = timezone.localdate()
    for exception, days, amount in ((world.e1, 35, "120"), (world.e1, 50, "80"), (world.e5, 35, "700")):
        CostEntry.objects.create(
            exception=exception, incurred_on=today - dt.timedelta(days=days), amount=Decimal(amount),
            recorded_by=world.alice, recorded_at=timezone.now(),
        )  # fmt: skip


VIEWS = [
    ("oscar", {}),
    ("oscar", {"period": "ytd"}),
    ("auditor", {}),
    ("auditor", {"region": "AMER"}),
    ("auditor", {"segment": "gold"}),
    ("auditor", {"process": "billing"}),
]


@pytest.mark.parametrize(("who", "params"), VIEWS)
def test_the_summarised_cost_equals_the_live_one(browse, make_user, who, params):
    world = dashboard_world.build(summarise=False)
    _older_costs(world)
    user = world.oscar if who == "oscar" else make_user("auditor", regions=["EMEA", "AMER"])
    if "segment" in params:
        params = {"segment": world.gold.pk}
    if "process" in params:
        params = {"process": world.billing.pk}
    client = browse(user)
    live = panel(client, **params)
    assert live["freshness"] is None and live["rows"]
    dashboard_world.refresh()
    summarised = panel(client, **params)
    assert summarised["freshness"] is not None
    assert (summarised["rows"], summarised["links"]) == (live["rows"], live["links"])
    for row, links in zip(summarised["rows"], summarised["links"], strict=True):
        assert list_count(client, links["estimated"]) == row["in_force"]
        assert list_count(client, links["actual"]) == row["booked"]


def test_thirty_days_are_computed_live(browse):
    world = dashboard_world.build()
    body = panel(browse(world.oscar), period="30d")
    assert body["freshness"] is None and body["rows"]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        panel(client)
    return len(queries)


def test_the_summarised_panels_queries_do_not_grow_with_the_rows(browse):
    world = dashboard_world.build()
    client = browse(world.oscar)
    _queries(client)
    few = _queries(client)
    today = timezone.localdate()
    for number in range(40):
        CostEntry.objects.create(
            exception=(world.e1, world.e2, world.e3)[number % 3], incurred_on=today - dt.timedelta(days=number * 7),
            amount=Decimal(number), recorded_by=world.alice, recorded_at=timezone.now(),
        )  # fmt: skip
    dashboard_world.refresh()
    assert panel(client)["freshness"] is not None
    assert _queries(client) == few


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_refreshes_at_once_leave_one_set_of_cost_figures():
    dashboard_world.build(summarise=False)
    assert twice_at_once(dashboard_world.refresh) == [None, None]
    this_month = timezone.localdate().replace(day=1)
    booked = CostMonthFigure.objects.filter(month=this_month).values_list("actual", flat=True)
    assert sum(booked) == Decimal("1249")  # e1's 250 and e5's 999, once each


REVENUE_VIEWS = [
    ("oscar", {}),
    ("oscar", {"share": "1"}),
    ("auditor", {}),
    ("auditor", {"share": "0.5", "region": "AMER"}),
    ("auditor", {"segment": "gold"}),
]


@pytest.mark.parametrize(("who", "params"), REVENUE_VIEWS)
def test_the_summarised_cost_over_revenue_equals_the_live_one(browse, make_user, who, params):
    world = dashboard_world.build(summarise=False)
    user = world.oscar if who == "oscar" else make_user("auditor", regions=["EMEA", "AMER"])
    if "segment" in params:
        params = {"segment": world.gold.pk}
    client = browse(user)
    live = client.get("/api/v1/dashboard/cost-over-revenue/", params).json()
    assert live["freshness"] is None and live["rows"]
    dashboard_world.refresh()
    summarised = client.get("/api/v1/dashboard/cost-over-revenue/", params).json()
    assert summarised["freshness"] is not None
    assert (summarised["rows"], summarised["links"]) == (live["rows"], live["links"])
    with_process = client.get(
        "/api/v1/dashboard/cost-over-revenue/", {**params, "process": world.fulfilment.pk}
    )
    assert with_process.json()["freshness"] is None  # the table has no process: live
