"""Open escalations by level and age, and those whose target nobody holds (issue 15): figures against the
hand-counted two-region fixture, drill-down counts equal to the figures, queries that do not grow."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intimacy_ops.escalations.models import Escalation
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


def test_the_age_columns_count_days_in_the_readers_time_zone_as_the_list_does(api):
    """At 22:00 in New York (03:00 UTC the next day), an escalation raised at 23:30 New York time the evening
    before is a day old there, and one raised at 00:30 today is not: the panel and its list agree."""
    s = people()
    s.ada.time_zone = "America/New_York"
    s.ada.save(update_fields=["time_zone"])
    with time_machine.travel(datetime.datetime(2026, 1, 15, 3, 0, tzinfo=datetime.UTC), tick=False):
        # 04:30 UTC on the 14th is 23:30 on the 13th in New York; 05:30 UTC is 00:30 on the 14th (UTC-5)
        for level, hour in ((1, 4), (2, 5)):
            raised = datetime.datetime(2026, 1, 14, hour, 30, tzinfo=datetime.UTC)
            escalation(s.amer, level=level, days_ago=0)
            Escalation.objects.filter(level=level).update(raised_at=raised, level_raised_at=raised)
        api.force_login(s.ada)  # signed in: the time-zone middleware sees her and reads days in New York
        body = panel(api, "escalations")
        index, day_old = row_of(body, level=1)
        assert (day_old["open"], day_old["over_1"]) == (1, 1)
        assert list_count(api, body["links"][index]["over_1"]) == 1
        _, today = row_of(body, level=2)
        assert (today["open"], today["over_1"]) == (1, 0)
