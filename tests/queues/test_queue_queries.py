"""Issue 18, "Queues": what a work list costs does not grow with its rows (saved views, filters and ticks
included), and a bulk act costs what its service costs per item, nothing more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exceptions.models import ExceptionRequest
from intimacy_ops.saved_views.models import SavedView
from tests.escalations.factories import breached_case, escalate
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.segments.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db
Status = ExceptionRequest.Status

WAITING_PAGE = (
    19  # session, user, regions, menus, the rows' page and count, saved views…: measured, then fixed
)
# Per item, what `decide_request` needs: the lock, the scope check, the take-up (`route`: update, transition,
# audit event), the decision (update, the regions' snapshot, transition, audit event), the requester's
# notice (preference, insert) — 11 — plus its savepoint and release inside the test's transaction.
PER_DECISION = 13
BULK_FIXED = 7  # session, user, roles, the ticked rows (one query), their scope regions, the run's savepoint


def waiting(s, n: int, *, customers=None) -> list[ExceptionRequest]:
    customers = customers or [s.acme]
    return [
        ExceptionRequestFactory(
            customer=customers[i % len(customers)],
            process=s.fulfilment,
            status=Status.SUBMITTED,
            route="lead",
        )
        for i in range(n)
    ]


def in_segments(s, n: int) -> list:
    """`n` customers of the lead's region, each in a segment of its own (the rows show it)."""
    return [
        CustomerFactory(
            region=s.acme.region, account_manager=s.alice, segment=SegmentFactory(name=f"Tier {i}", rank=i)
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("rows", [2, 30])
def test_waiting_for_me_costs_the_same_at_any_size(browse, django_assert_max_num_queries, rows):
    s = scenario()
    waiting(s, rows, customers=in_segments(s, 4))
    SavedView.objects.create(user=s.oscar, list_key="exceptions:waiting", name="Low risk", query="risk=low")
    client = browse(s.oscar)
    client.get("/exceptions/waiting/")  # the session's first read
    with django_assert_max_num_queries(WAITING_PAGE):
        response = client.get("/exceptions/waiting/?risk=low&ordering=-estimated_monthly_cost")
    page = response.content.decode()
    assert page.count('data-testid="request-row"') == min(rows, 25)
    assert "· Tier 1" in page  # each row names its customer's segment


@pytest.mark.parametrize("rows", [2, 30])
def test_escalations_with_saved_views_cost_the_same_at_any_size(browse, django_assert_max_num_queries, rows):
    s = scenario()
    for n in range(rows):
        escalate(breached_case(s.alice, title=f"Case {n}"))
    SavedView.objects.create(user=s.oscar, list_key="escalations:list", name="Top", query="level=2")
    client = browse(s.oscar)
    client.get("/escalations/")
    with django_assert_max_num_queries(WAITING_PAGE):
        response = client.get("/escalations/?ordering=-level")
    assert response.content.decode().count('data-testid="pick"') == min(rows, 25)


@pytest.mark.parametrize("items", [3, 12])
def test_a_bulk_decision_costs_its_service_per_item_and_no_more(browse, items):
    s = scenario()
    rows = waiting(s, items)
    client = browse(s.oscar)
    client.get("/exceptions/waiting/")
    body = {"ids": [r.pk for r in rows], "action": "approve", "comment": "ok", "confirmed": "true"}
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/exceptions/waiting/bulk/", body).status_code == 302
    assert len(queries) <= BULK_FIXED + PER_DECISION * items
