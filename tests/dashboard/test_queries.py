"""Each panel, the summary and the whole page take the same number of queries with 3 or 50 requests per
customer and process (no query per row)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intimacy_ops import dashboard
from tests.dashboard import world as dashboard_world
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _grow(world, count: int) -> None:
    today = timezone.localdate()
    for index in range(count):
        customer = CustomerFactory(region=world.emea, segment=world.gold, account_manager=world.alice)
        ExceptionRequestFactory(
            customer=customer,
            process=ProcessFactory() if index % 5 == 0 else world.fulfilment,
            status="active",
            route="lead",
            estimated_monthly_cost=Decimal("99"),
            starts_on=today - dt.timedelta(days=40),
            expires_on=today + dt.timedelta(days=index % 40 + 1),
            requested_by=world.alice,
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(db, browse):
    world = dashboard_world.build()
    client = browse(world.oscar)
    urls = [f"/api/v1/dashboard/{panel.key}/" for panel in dashboard.panels()]
    urls += ["/api/v1/dashboard/summary/", "/dashboard/"]
    urls += [f"/dashboard/panels/{panel.key}/" for panel in dashboard.panels()]
    _grow(world, 3)
    small = {url: _count(client, url) for url in urls}
    _grow(world, 47)
    large = {url: _count(client, url) for url in urls}
    assert large == small
    assert max(count for url, count in small.items() if "/panels/" in url) <= 12
