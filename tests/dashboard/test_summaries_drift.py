"""Drift per process summarised (issue 15, item 7): after `exceptions.dashboard_summaries`, the drift panel
reads `DriftFigure`/`CustomerFigure` for each preset period and shows the same figures as computed live on
the same data (PostgreSQL and SQLite); a period of one's own is computed live; the queries stay the same
whatever the rows; two refreshes at once leave one set (PostgreSQL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exceptions.summaries.models import CustomerFigure, DriftFigure
from tests.concurrency import twice_at_once
from tests.dashboard import world as dashboard_world
from tests.exceptions.factories import ExceptionRequestFactory
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def panel(client, **params):
    response = client.get("/api/v1/dashboard/drift-per-process/", params)
    assert response.status_code == 200, response.content
    return response.json()


def _ended_since(world):
    """An AMER and an EMEA request that were in force 80 days ago and have ended since: "then" differs."""
    today = timezone.localdate()
    for customer in (world.borealis, world.zenith):
        ExceptionRequestFactory(
            customer=customer, process=world.billing, status="expired", route="lead", requested_by=world.alice,
            estimated_monthly_cost=Decimal("10"), starts_on=today - dt.timedelta(days=200),
            expires_on=today - dt.timedelta(days=40),
        )  # fmt: skip
    from exceptions.models import ExceptionRequest

    ExceptionRequest.objects.filter(status="expired").update(
        status_changed_at=timezone.now() - dt.timedelta(days=40)
    )


VIEWS = [
    ("oscar", {}),
    ("oscar", {"period": "90d"}),
    ("oscar", {"period": "30d"}),
    ("oscar", {"period": "ytd"}),
    ("auditor", {}),
    ("auditor", {"period": "90d", "region": "AMER"}),
    ("auditor", {"segment": "gold"}),
]


@pytest.mark.parametrize(("who", "params"), VIEWS)
def test_the_summarised_drift_equals_the_live_one(browse, make_user, who, params):
    world = dashboard_world.build(summarise=False)
    _ended_since(world)
    user = world.oscar if who == "oscar" else make_user("auditor", regions=["EMEA", "AMER"])
    if params.get("segment") == "gold":
        params = {**params, "segment": world.gold.pk}
    client = browse(user)
    live = panel(client, **params)
    assert live["freshness"] is None and live["rows"]
    dashboard_world.refresh()
    summarised = panel(client, **params)
    assert summarised["freshness"] is not None
    assert (summarised["rows"], summarised["links"]) == (live["rows"], live["links"])


def test_the_hand_counted_drift_then_and_now(browse):
    world = dashboard_world.build(summarise=False)
    _ended_since(world)
    dashboard_world.refresh()
    rows = {row["name"]: row for row in panel(browse(world.oscar), period="90d")["rows"]}
    # 89 days back only borealis's expired Billing request was in force (e1 started 60 days ago, e2 and e3 later).
    assert (
        rows["Billing"]["customers_now"],
        rows["Billing"]["drift_then"],
        rows["Billing"]["drift_now"],
    ) == (
        1,
        50.0,
        50.0,
    )
    assert (rows["Fulfilment"]["drift_then"], rows["Fulfilment"]["drift_now"]) == (0.0, 100.0)


def test_a_period_of_ones_own_is_computed_live(browse):
    world = dashboard_world.build()
    since = (timezone.localdate() - dt.timedelta(days=45)).isoformat()
    body = panel(browse(world.oscar), since=since)
    assert body["freshness"] is None
    assert {row["name"]: row["customers_now"] for row in body["rows"]} == {"Fulfilment": 2, "Billing": 1}


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        panel(client)
    return len(queries)


def test_the_summarised_drifts_queries_do_not_grow_with_the_rows(browse):
    world = dashboard_world.build()
    client = browse(world.oscar)
    _queries(client)
    few = _queries(client)
    today = timezone.localdate()
    for number in range(40):
        customer = CustomerFactory(region=world.emea, segment=world.silver, account_manager=world.alice)
        ExceptionRequestFactory(
            customer=customer, process=(world.billing, world.fulfilment)[number % 2], status="active",
            route="lead", requested_by=world.alice, starts_on=today - dt.timedelta(days=number),
            expires_on=today + dt.timedelta(days=90),
        )  # fmt: skip
    dashboard_world.refresh()
    assert panel(client)["freshness"] is not None
    assert _queries(client) == few


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_refreshes_at_once_leave_one_set_of_drift_figures():
    dashboard_world.build(summarise=False)
    assert twice_at_once(dashboard_world.refresh) == [None, None]
    now = DriftFigure.objects.filter(on__isnull=True)
    assert sum(now.values_list("active", flat=True)) == 5  # e1, e2, e3, e5, e6: each once
    assert sum(CustomerFigure.objects.values_list("customers", flat=True)) == 3
