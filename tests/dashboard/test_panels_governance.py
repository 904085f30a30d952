"""The review backlog per board (issue 15): figures against the hand-counted two-region fixture,
drill-down counts equal to the figures, queries that do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dashboard.panels_fixture import list_count, panel, people, reviews_fixture, row_of
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    s = people()
    s.boards = reviews_fixture(s)
    return s


def figures(row: dict) -> tuple:
    return row["open"], row["overdue"], row["decided"], row["median_days"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="medians are percentile_cont, PostgreSQL's (SQLite shows the mean or —)",
)
def test_an_emea_lead_reads_the_emea_backlog_per_board(api, world):
    api.force_authenticate(world.oscar)
    body = panel(api, "review-backlog")
    assert figures(row_of(body, board="Change board")[1]) == (3, 1, 3, 4.0)
    assert figures(row_of(body, board="Data board")[1]) == (1, 0, 0, None)
    assert api.get("/api/v1/dashboard/summary/").json()["open_reviews"] == 4


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="medians are percentile_cont, PostgreSQL's (SQLite shows the mean or —)",
)
def test_an_auditor_reads_both_regions_and_may_narrow_to_one(api, world):
    api.force_authenticate(world.ada)
    # Decided in 2, 4, 9 and 20 days: the median lies between 4 and 9.
    assert figures(row_of(panel(api, "review-backlog"), board="Change board")[1]) == (5, 3, 4, 6.5)
    amer = panel(api, "review-backlog", region="AMER")
    assert [(row["board"], *figures(row)) for row in amer["rows"]] == [("Change board", 2, 2, 1, 20.0)]


@pytest.mark.parametrize("who, params", [("oscar", {}), ("ada", {}), ("ada", {"region": "AMER"})])
def test_open_and_overdue_link_to_a_review_list_of_that_many(api, world, who, params):
    api.force_authenticate(getattr(world, who))
    body = panel(api, "review-backlog", **params)
    for row, links in zip(body["rows"], body["links"], strict=True):
        for column in ("open", "overdue"):
            if column not in links:  # a zero is not linked: there is nothing to list
                assert row[column] == 0, (column, row)
                continue
            assert list_count(api, links[column]) == row[column], (column, row, links[column])


def _queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        panel(api, "review-backlog")
    return len(queries)


def test_the_queries_do_not_grow_with_the_reviews(api, world):
    from tests.dashboard.panels_fixture import review
    from tests.exceptions.factories import ProcessFactory

    api.force_authenticate(world.ada)
    _queries(api)  # warm: the first request caches what every later one reuses
    few = _queries(api)
    customer, process = CustomerFactory(region=world.emea, account_manager=world.alice), ProcessFactory()
    for number in range(40):
        status = "decided" if number % 2 else "open"
        review(
            world.boards.change,
            customer,
            process,
            status=status,
            due_in_days=number - 20,
            decided_after_days=number,
        )
    assert _queries(api) == few
