"""SLA compliance and the review backlog summarised (issue 15, item 7): after the checks
`segments.dashboard_summaries` and `governance.dashboard_summaries` ran, the panels and the summary API read
their summary tables and show the same figures as computed live on the same data (PostgreSQL and SQLite),
say how fresh they are, link to lists of that many, and run the same queries whatever the rows; two
refreshes at once leave one set of figures (PostgreSQL)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.summaries.models import ReviewBacklogFigure
from segments.summaries.models import SlaFigure
from tests.concurrency import twice_at_once
from tests.dashboard.panels_fixture import (
    case,
    list_count,
    panel,
    people,
    review,
    reviews_fixture,
    sla_fixture,
)
from tests.exceptions.factories import ProcessFactory
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CHECKS = ("segments.dashboard_summaries", "governance.dashboard_summaries")
VIEWS = [("oscar", {}), ("ada", {}), ("ada", {"region": "AMER"}), ("ada", {"region": ["EMEA", "AMER"]})]


def refresh() -> None:
    """What beat runs every 10 minutes."""
    for name in CHECKS:
        call_command("run_checks", name, stdout=io.StringIO())


@pytest.fixture
def world(db):
    s = people()
    s.sla = sla_fixture(s)
    s.boards = reviews_fixture(s)
    return s


def figures(body: dict) -> list[dict]:
    """A panel's rows and links, without what only says where they came from."""
    rows = body["rows"]
    if connection.vendor != "postgresql":  # the live median is PostgreSQL's percentile_cont: — elsewhere
        rows = [{k: v for k, v in row.items() if k != "median_days"} for row in rows]
    return [rows, body["links"], body.get("flags")]


@pytest.mark.parametrize(("who", "params"), VIEWS)
@pytest.mark.parametrize("key", ["sla-compliance", "review-backlog"])
def test_the_summarised_figures_equal_the_live_ones(api, world, key, who, params):
    api.force_authenticate(getattr(world, who))
    live = panel(api, key, **params)
    summary_live = api.get("/api/v1/dashboard/summary/", params).json()
    assert live["freshness"] is None and live["rows"], live
    refresh()
    summarised = panel(api, key, **params)
    assert summarised["freshness"] is not None and summarised["refreshed_every_minutes"] == 10
    assert figures(summarised) == figures(live)
    summary = api.get("/api/v1/dashboard/summary/", params).json()
    for name in ("sla_compliance_percent", "open_reviews"):
        assert summary[name] == summary_live[name], name


def test_the_emea_leads_summarised_figures_are_the_hand_counted_ones(api, world):
    refresh()
    api.force_authenticate(world.oscar)
    sla = {(row["segment"], row["priority"]): row for row in panel(api, "sla-compliance")["rows"]}
    gold = sla[("Gold", "P2")]
    assert (gold["closed"], gold["compliant"], gold["compliance"], gold["open_breached"]) == (4, 3, 75.0, 1)
    assert sla[("Silver", "P2")]["flag"]  # the lower tier doing better is still flagged
    backlog = {row["board"]: row for row in panel(api, "review-backlog")["rows"]}
    assert (backlog["Change board"]["open"], backlog["Change board"]["overdue"]) == (3, 1)
    assert backlog["Change board"]["decided"] == 3 and backlog["Change board"]["median_days"] == 4.0
    assert api.get("/api/v1/dashboard/summary/").json()["open_reviews"] == 4


@pytest.mark.parametrize(("who", "params"), VIEWS)
@pytest.mark.parametrize("key", ["sla-compliance", "review-backlog"])
def test_each_summarised_figure_links_to_a_list_of_that_many(api, world, key, who, params):
    refresh()
    api.force_authenticate(getattr(world, who))
    body = panel(api, key, **params)
    followed = 0
    for row, links in zip(body["rows"], body["links"], strict=True):
        for column, url in links.items():
            assert list_count(api, url) == row[column], (key, column, row, url)
            followed += 1
    assert followed


def test_a_new_case_counts_from_the_next_refresh(api, world):
    refresh()
    api.force_authenticate(world.oscar)
    case(world.sla.emea_gold, open_late=True)
    gold = next(row for row in panel(api, "sla-compliance")["rows"] if row["segment"] == "Gold")
    assert gold["open_breached"] == 1  # as of the last refresh
    refresh()
    gold = next(row for row in panel(api, "sla-compliance")["rows"] if row["segment"] == "Gold")
    assert gold["open_breached"] == 2


def _queries(api, key) -> int:
    with CaptureQueriesContext(connection) as queries:
        panel(api, key)
    return len(queries)


@pytest.mark.parametrize("key", ["sla-compliance", "review-backlog"])
def test_the_summarised_panels_queries_do_not_grow_with_the_rows(api, world, key):
    refresh()
    api.force_authenticate(world.ada)
    _queries(api, key)  # warm
    few = _queries(api, key)
    process = ProcessFactory()
    for number in range(40):
        customer = CustomerFactory(region=world.emea, segment=world.sla.gold, account_manager=world.alice)
        case(
            customer,
            closed_days_ago=number + 1,
            late=bool(number % 3),
            priority=("P1", "P2", "P3")[number % 3],
        )
        review(world.boards.data, customer, process, status="decided" if number % 2 else "open",
               decided_after_days=number)  # fmt: skip
    refresh()
    assert _queries(api, key) == few


def test_the_refresh_run_twice_gives_the_same_tables(world):
    refresh()
    first = (
        sorted(SlaFigure.objects.values_list("day", "region_id", "priority", "closed", "compliant", "open_breached"), key=str),
        sorted(ReviewBacklogFigure.objects.values_list("board_id", "region_id", "open", "overdue")),
    )  # fmt: skip
    refresh()
    assert first == (
        sorted(SlaFigure.objects.values_list("day", "region_id", "priority", "closed", "compliant", "open_breached"), key=str),
        sorted(ReviewBacklogFigure.objects.values_list("board_id", "region_id", "open", "overdue")),
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_refreshes_at_once_leave_one_set_of_figures():
    s = people()
    sla_fixture(s)
    reviews_fixture(s)
    assert twice_at_once(refresh) == [None, None]
    # EMEA Gold 5 closed + 2 open, Silver 2, AMER Gold 3 + 2 open: each case once, not twice.
    assert sum(SlaFigure.objects.values_list("closed", flat=True)) == 4 + 1 + 2 + 3
    assert sum(SlaFigure.objects.values_list("open_breached", flat=True)) == 1 + 2
    assert sum(ReviewBacklogFigure.objects.values_list("open", flat=True)) == 3 + 2 + 1
