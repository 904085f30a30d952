"""SLA compliance by segment × priority (issue 15): figures against the hand-counted two-region fixture,
the equity flag, drill-down counts equal to the figures, queries that do not grow with the cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dashboard.panels_fixture import case, list_count, panel, people, row_of, sla_fixture

pytestmark = pytest.mark.django_db

LINKED = ("closed", "compliant", "breached", "open_breached")


@pytest.fixture
def world():
    s = people()
    s.sla = sla_fixture(s)
    return s


def test_an_emea_lead_reads_emea_cases_only_and_the_lower_tier_doing_better_is_flagged(api, world):
    api.force_authenticate(world.oscar)
    body = panel(api, "sla-compliance")
    gold_index, gold = row_of(body, segment="Gold", priority="P2")
    assert (gold["closed"], gold["compliant"], gold["compliance"], gold["open_breached"]) == (4, 3, 75.0, 1)
    silver_index, silver = row_of(body, segment="Silver", priority="P2")
    assert (silver["closed"], silver["compliant"], silver["compliance"]) == (2, 2, 100.0)
    assert "Silver P2" in body["flags"][str(silver_index)] and "Gold" in body["flags"][str(silver_index)]
    assert str(gold_index) not in body["flags"]
    summary = api.get("/api/v1/dashboard/summary/").json()
    assert summary["sla_compliance_percent"] == 83.3


def test_an_auditor_reads_both_regions_and_may_narrow_to_one(api, world):
    api.force_authenticate(world.ada)
    _, gold = row_of(panel(api, "sla-compliance"), segment="Gold", priority="P2")
    assert (gold["closed"], gold["compliant"], gold["compliance"], gold["open_breached"]) == (7, 3, 42.9, 3)
    amer = panel(api, "sla-compliance", region="AMER")
    assert [(row["segment"], row["closed"], row["compliance"]) for row in amer["rows"]] == [("Gold", 3, 0.0)]
    assert api.get("/api/v1/dashboard/summary/", {"region": "AMER"}).json()["sla_compliance_percent"] == 0.0


def test_a_segment_filter_keeps_its_rows(api, world):
    api.force_authenticate(world.oscar)
    body = panel(api, "sla-compliance", segment=world.sla.silver.pk)
    assert [(row["segment"], row["closed"]) for row in body["rows"]] == [("Silver", 2)]


@pytest.mark.parametrize("who, params", [("oscar", {}), ("ada", {}), ("ada", {"region": "EMEA"})])
def test_each_figure_links_to_a_case_list_of_that_many(api, world, who, params):
    api.force_authenticate(getattr(world, who))
    body = panel(api, "sla-compliance", **params)
    checked = 0
    for row, links in zip(body["rows"], body["links"], strict=True):
        for column in LINKED:
            if column not in links:  # a zero is not linked: there is nothing to list
                assert row[column] == 0, (column, row)
                continue
            assert list_count(api, links[column]) == row[column], (column, row, links[column])
            checked += 1
    assert (
        checked >= 6
    )  # at least Gold: closed, compliant, breached, open breached; Silver: closed, compliant


def test_the_page_and_the_csv_show_the_emea_figures(client, world):
    client.force_login(world.oscar)
    page = client.get("/dashboard/panels/sla-compliance/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "75" in text and "Silver P2 complies better" in text
    csv = b"".join(client.get("/dashboard/sla-compliance.csv").streaming_content).decode("utf-8-sig")
    lines = [line for line in csv.splitlines() if line]
    assert len(lines) == 3, lines  # the header, Gold P2, Silver P2: no AMER row
    assert any(line.startswith("Gold") and ",4," in line for line in lines)


def _queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        panel(api, "sla-compliance")
    return len(queries)


def test_the_queries_do_not_grow_with_the_cases(api, world):
    api.force_authenticate(world.ada)
    _queries(api)  # warm: the first request caches what every later one reuses
    few = _queries(api)
    for number in range(47):
        case(
            world.sla.emea_gold,
            closed_days_ago=number % 30 + 1,
            late=number % 3 == 0,
            priority=f"P{number % 4 + 1}",
        )
    assert _queries(api) == few
