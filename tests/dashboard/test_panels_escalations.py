"""Open escalations by level and age, and those whose target nobody holds (issue 15): figures against the
hand-counted two-region fixture, drill-down counts equal to the figures, queries that do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dashboard.panels_fixture import escalation, escalations_fixture, list_count, panel, people, row_of

pytestmark = pytest.mark.django_db

LINKED = ("open", "over_1", "over_7", "over_30", "unheld")


@pytest.fixture
def world():
    s = people()
    escalations_fixture(s)
    return s


def figures(row: dict) -> tuple:
    return tuple(row[column] for column in LINKED)


def test_an_emea_lead_counts_emea_escalations_by_level_and_age(api, world):
    api.force_authenticate(world.oscar)
    body = panel(api, "escalations")
    assert [row["level"] for row in body["rows"]] == [1, 2]
    assert figures(row_of(body, level=1)[1]) == (1, 1, 0, 0, 0)
    # 10 and 40 days old; the board chair's: nobody chairs in EMEA.
    assert figures(row_of(body, level=2)[1]) == (2, 2, 2, 1, 1)
    assert api.get("/api/v1/dashboard/summary/").json()["open_escalations"] == 3


def test_an_auditor_counts_both_regions_and_may_narrow_to_one(api, world):
    api.force_authenticate(world.ada)
    body = panel(api, "escalations")
    assert figures(row_of(body, level=1)[1]) == (2, 2, 1, 1, 0)
    assert figures(row_of(body, level=3)[1]) == (1, 1, 0, 0, 1)  # raised a day (and an hour) ago
    amer = panel(api, "escalations", region="AMER")
    assert [(row["level"], row["open"]) for row in amer["rows"]] == [(1, 1), (3, 1)]
    assert api.get("/api/v1/dashboard/summary/", {"region": "AMER"}).json()["open_escalations"] == 2


@pytest.mark.parametrize("who, params", [("oscar", {}), ("ada", {}), ("ada", {"region": "AMER"})])
def test_each_figure_links_to_an_escalation_list_of_that_many(api, world, who, params):
    api.force_authenticate(getattr(world, who))
    body = panel(api, "escalations", **params)
    for row, links in zip(body["rows"], body["links"], strict=True):
        for column in LINKED:
            if column not in links:  # a zero is not linked: there is nothing to list
                assert row[column] == 0, (column, row)
                continue
            assert list_count(api, links[column]) == row[column], (column, row, links[column])


def test_the_csv_holds_no_amer_level(client, world):
    client.force_login(world.oscar)
    csv = b"".join(client.get("/dashboard/escalations.csv").streaming_content).decode("utf-8-sig")
    assert len([line for line in csv.splitlines() if line]) == 3  # the header, levels 1 and 2


def _queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        panel(api, "escalations")
    return len(queries)


def test_the_queries_do_not_grow_with_the_escalations(api, world):
    api.force_authenticate(world.ada)
    _queries(api)  # warm: the first request caches what every later one reuses
    few = _queries(api)
    for number in range(45):
        escalation(world.emea if number % 2 else world.amer, level=number % 3 + 1, days_ago=number)
    assert _queries(api) == few
