"""Incidents' panels (issue 19, items 4 and 7; incidents/dashboard.py): incidents in the period with their
affected customers, goodwill (recorded vs requested) and recovery; goodwill by segment and region. Each linked
figure equals the count of the customers list its link opens; region, segment and period filters are honoured
(the goodwill panel says it ignores the process); query counts do not grow with incidents or customers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from incidents.models import AffectedCustomer, Goodwill
from tests.dashboard.panels_fixture import list_count
from tests.exceptions.factories import scenario
from tests.factories import user_with
from tests.incidents.factories import incident
from tests.segments.factories import CustomerFactory, tiers

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _affect(made, customer):
    AffectedCustomer.objects.create(incident=made, customer=customer, via="rule", added_at=made.started_at)


def _give(made, customer, amount, status="recorded", at=None):
    Goodwill.objects.create(
        incident=made, customer=customer, kind="credit", amount=Decimal(amount), reason="Late.", status=status,
        limit=Decimal("500"), given_by=made.owner, given_at=at or timezone.now() - DAY,
    )  # fmt: skip


@pytest.fixture
def s():
    w = scenario()
    w.strategic, w.premier, w.standard = tiers()
    for customer, segment in ((w.acme, w.strategic), (w.borealis, w.premier), (w.zenith, w.strategic)):
        customer.segment = segment
        customer.save()
    w.lead_amer = user_with("operations lead", regions=["AMER"], username="ops.amer")
    w.strike = incident(w.oscar, [w.emea], title="Strike", started_at=timezone.now() - 5 * DAY)
    w.strike.processes.set([w.fulfilment])
    w.outage = incident(w.lead_amer, [w.amer], title="AMER outage", started_at=timezone.now() - 4 * DAY)
    w.old = incident(w.oscar, [w.emea], title="Last year", started_at=timezone.now() - 400 * DAY)
    for customer in (w.acme, w.borealis):
        _affect(w.strike, customer)
    _affect(w.outage, w.zenith)
    _affect(w.old, w.acme)
    _give(w.strike, w.acme, "300")
    _give(w.strike, w.acme, "200")
    _give(w.strike, w.borealis, "900", status="requested")
    _give(w.outage, w.zenith, "700")
    return w


def _panel(client, key, **params):
    response = client.get(f"/api/v1/dashboard/{key}/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    return [(row, links) for row, links in zip(body["rows"], body["links"], strict=True)], body


def test_incidents_in_the_period_with_affected_goodwill_and_recovery(s, browse):
    client = browse(s.oscar)

    rows, _ = _panel(client, "incidents-affected")
    recovering, _ = _panel(client, "incidents-recovery")

    assert [row["title"] for row, _ in rows] == ["Strike"]  # not AMER's, not last year's
    row, links = rows[0]
    assert (row["affected"], row["goodwill_customers"]) == (2, 2)
    assert (Decimal(str(row["goodwill_recorded"])), Decimal(str(row["goodwill_requested"]))) == (500, 900)
    assert [(r["title"], r["affected"], r["cases_after"]) for r, _ in recovering] == [("Strike", 2, None)]
    assert row["affected"] == list_count(client, links["affected"])
    assert row["goodwill_customers"] == list_count(client, links["goodwill_customers"])


def test_the_segment_filter_narrows_the_figures_and_their_lists(s, browse):
    client = browse(s.oscar)

    rows, _ = _panel(client, "incidents-affected", segment=s.strategic.pk)

    row, links = rows[0]
    assert (row["affected"], row["goodwill_customers"], Decimal(str(row["goodwill_recorded"]))) == (1, 1, 500)
    assert row["goodwill_requested"] is None
    assert list_count(client, links["affected"]) == 1
    assert list_count(client, links["goodwill_customers"]) == 1


def test_goodwill_by_segment_and_region_recorded_and_requested(s, browse):
    client = browse(s.carol)  # a board chair of both regions

    rows, body = _panel(client, "incidents-goodwill")

    shown = {(row["segment"], row["region"]): row for row, _ in rows}
    assert set(shown) == {("Strategic", "EMEA"), ("Premier", "EMEA"), ("Strategic", "AMER")}
    assert Decimal(str(shown[("Strategic", "EMEA")]["recorded"])) == 500
    assert Decimal(str(shown[("Premier", "EMEA")]["requested"])) == 900
    assert Decimal(str(shown[("Strategic", "AMER")]["recorded"])) == 700
    for row, links in rows:
        assert row["customers"] == list_count(client, links["customers"])
    emea, _ = _panel(client, "incidents-goodwill", region="EMEA")
    assert {row["region"] for row, _ in emea} == {"EMEA"}
    # The process filter does not apply to goodwill, and the panel says so.
    same, _ = _panel(client, "incidents-goodwill", process=s.billing.pk)
    assert len(same) == 3
    assert "process filter does not apply" in body["explanation"]


def test_the_period_filter_reaches_last_years_incident(s, browse):
    rows, _ = _panel(
        browse(s.oscar), "incidents-recovery", since=(timezone.localdate() - 500 * DAY).isoformat()
    )

    assert [row["title"] for row, _ in rows] == ["Strike", "Last year"]
    assert rows[1][0]["cases_after"] == 0  # complete: 30 days passed, nothing opened


def test_the_panels_cost_the_same_queries_for_more_incidents_and_customers(
    s, browse, django_assert_max_num_queries
):
    client = browse(s.oscar)
    for key in ("incidents-affected", "incidents-recovery", "incidents-goodwill"):
        with django_assert_max_num_queries(14):
            _panel(client, key)
    for n in range(6):
        made = incident(s.oscar, [s.emea], title=f"More {n}", started_at=timezone.now() - (n + 1) * DAY)
        for _ in range(8):
            customer = CustomerFactory(region=s.emea, segment=s.premier, account_manager=s.alice)
            _affect(made, customer)
            _give(made, customer, "10")
    for key in ("incidents-affected", "incidents-recovery", "incidents-goodwill"):
        with django_assert_max_num_queries(14):
            rows, _ = _panel(client, key)
    assert len(_panel(client, "incidents-recovery")[0]) == 7
