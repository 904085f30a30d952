"""The summarised exceptions panels (issue 15, item 7): they read the summary tables the check
`exceptions.dashboard_summaries` rebuilds, say how fresh they are, and every figure still links to a list
of exactly that many (the fixture runs the refresh, as beat does every 10 minutes)."""

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from exceptions.summaries.models import ExceptionDayFigure, ExceptionStatusFigure
from tests.concurrency import twice_at_once
from tests.dashboard import world as dashboard_world
from tests.dashboard.panels_fixture import LIST_APIS, list_count
from tests.exceptions.factories import ExceptionRequestFactory
from tests.factories import RegionFactory
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SUMMARISED = ("exceptions-by-process", "exceptions-by-segment", "exceptions-by-region")
SUMMARISED += ("exceptions-per-month", "time-to-decision", "drift-per-process")
SUMMARISED += ("cost-estimated-vs-actual", "cost-over-revenue")
EXCEPTION_PANELS = (*SUMMARISED, "expiring-soon")
# An amount's link opens the requests it sums: the list counts the cell named here (default `active`).
COUNTED_BY = {"estimated": "in_force", "actual": "booked"}


def panel(client, key, **params):
    response = client.get(f"/api/v1/dashboard/{key}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def _figure(row: dict, column: str) -> int:
    """The count a link stands for: the cell itself, or for an amount the requests it sums (`active`, or the
    count beside it: `COUNTED_BY`)."""
    return row[column] if isinstance(row[column], int) else row[COUNTED_BY.get(column, "active")]


@pytest.mark.parametrize("who", ["oscar", "auditor", "two of three regions"])
@pytest.mark.parametrize("key", EXCEPTION_PANELS)
def test_every_exceptions_figure_links_to_a_list_of_that_many(db, browse, make_user, key, who):
    """As the EMEA lead, the auditor (all regions), and an auditor choosing two of three regions: the
    selection carries into the list (`region=EMEA&region=AMER`), which counts the same."""
    world = dashboard_world.build()
    params = {}
    if who == "oscar":
        user = world.oscar
    else:
        RegionFactory(code="APAC")
        user = make_user("auditor", regions=["EMEA", "AMER", "APAC"])
        if who == "two of three regions":
            params = {"region": ["EMEA", "AMER"]}
    client = browse(user)
    body = panel(client, key, **params)
    assert sorted(body["regions"]) == sorted(params.get("region") or body["regions"])
    followed = 0
    for row, links in zip(body["rows"], body["links"], strict=True):
        for column, url in links.items():
            if urlsplit(url).path not in LIST_APIS:
                continue  # a customer's page, not a list
            assert list_count(client, url) == _figure(row, column), (key, column, row, url)
            if params and key != "exceptions-by-region":  # that one names its row's region
                assert "region=AMER&region=EMEA" in url, url
            followed += 1
    assert followed, f"{key}: no figure links to a list"


def test_the_withdrawn_and_cost_figures_link_to_their_lists(db, browse):
    world = dashboard_world.build()
    client = browse(world.oscar)
    month = dashboard_world.month_start(3).strftime("%Y-%m")
    body = panel(client, "exceptions-per-month")
    index = next(i for i, row in enumerate(body["rows"]) if row["month"] == month)
    withdrawn = body["links"][index]["withdrawn"]
    assert "status=withdrawn" in withdrawn and list_count(client, withdrawn) == 1
    body = panel(client, "exceptions-by-process")
    fulfilment = next(i for i, row in enumerate(body["rows"]) if row["name"] == "Fulfilment")
    assert body["rows"][fulfilment]["monthly_cost"] == 800.0
    assert list_count(client, body["links"][fulfilment]["monthly_cost"]) == 2  # e1 500 + e2 300


def test_a_summarised_panel_says_how_fresh_it_is_and_a_live_one_does_not(db, browse):
    world = dashboard_world.build()
    client = browse(world.oscar)
    for key in SUMMARISED:
        body = panel(client, key)
        assert body["freshness"] is not None and body["refreshed_every_minutes"] == 10, key
    assert panel(client, "expiring-soon")["freshness"] is None
    page = client.get("/dashboard/").content.decode()
    as_of = timezone.localtime().strftime("%H:%M")[:3]  # the hour (a minute may tick over)
    notes = re.findall(r'data-testid="freshness-([a-z-]+)"[^>]*>.*?As of (\d\d:\d\d)[^<]*</time>, refreshed every 10 min', page, re.S)  # fmt: skip
    assert {key for key, _ in notes} == set(SUMMARISED)
    assert all(time.startswith(as_of) for _, time in notes)


def test_before_the_first_refresh_the_panels_are_computed_live(db, browse):
    world = dashboard_world.build(summarise=False)
    body = panel(browse(world.oscar), "exceptions-by-region")
    assert body["freshness"] is None
    assert [(row["name"], row["active"]) for row in body["rows"]] == [("EMEA", 3)]


def test_a_new_request_counts_from_the_next_refresh(db, browse):
    world = dashboard_world.build()
    client = browse(world.oscar)
    customer = CustomerFactory(region=world.emea, segment=world.gold, account_manager=world.alice)
    today = timezone.localdate()
    ExceptionRequestFactory(
        customer=customer, process=world.billing, status="active", route="lead", requested_by=world.alice,
        estimated_monthly_cost=Decimal("40"), starts_on=today - dt.timedelta(days=1),
        expires_on=today + dt.timedelta(days=90),
    )  # fmt: skip
    before = {row["name"]: row["active"] for row in panel(client, "exceptions-by-process")["rows"]}
    assert before["Billing"] == 1  # as of the last refresh
    dashboard_world.refresh()
    after = {row["name"]: row["active"] for row in panel(client, "exceptions-by-process")["rows"]}
    assert after["Billing"] == 2


def test_the_refresh_run_twice_gives_the_same_tables(db):
    dashboard_world.build()
    first = sorted(ExceptionDayFigure.objects.values_list("day", "region_id", "created", "approved"))
    statuses = sorted(ExceptionStatusFigure.objects.values_list("region_id", "status", "requests"))
    out = io.StringIO()
    call_command("run_checks", "exceptions.dashboard_summaries", stdout=out)
    assert "refreshed the dashboard's summaries" in out.getvalue()
    assert sorted(ExceptionDayFigure.objects.values_list("day", "region_id", "created", "approved")) == first
    assert sorted(ExceptionStatusFigure.objects.values_list("region_id", "status", "requests")) == statuses


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_refreshes_at_once_leave_one_set_of_figures():
    dashboard_world.build(summarise=False)
    results = twice_at_once(dashboard_world.refresh)
    assert results == [None, None], results
    active = ExceptionStatusFigure.objects.filter(status="active").values_list("requests", flat=True)
    assert sum(active) == 5  # e1, e2, e3 (EMEA), e5, e6 (AMER): each once, not twice
