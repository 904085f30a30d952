"""The cost ledger: actual costs on active exceptions, estimated vs actual per request and summed per process."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from exceptions import selectors
from exceptions.models import CostEntry
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _active(s, customer=None, process=None, monthly="500"):
    return ExceptionRequestFactory(
        customer=customer or s.acme,
        process=process or s.fulfilment,
        status="active",
        route="lead",
        starts_on=timezone.localdate() - datetime.timedelta(days=60),
        expires_on=timezone.localdate() + datetime.timedelta(days=60),
        estimated_monthly_cost=Decimal(monthly),
    )


def _book(client, exception, amount, days_ago=1, note="Courier"):
    day = (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()
    return client.post(
        f"/api/v1/exceptions/{exception.pk}/costs/",
        {"incurred_on": day, "amount": amount, "note": note},
        format="json",
    )


def test_account_manager_and_lead_book_actual_costs_and_see_the_total(s, signed_in_api):
    exception = _active(s)
    assert _book(signed_in_api(s.alice), exception, "120.50").status_code == 201
    response = _book(signed_in_api(s.oscar), exception, "79.50", note="Overtime")
    assert response.status_code == 201 and response.json()["recorded_by"] == "ops.oscar"
    body = signed_in_api(s.alice).get(f"/api/v1/exceptions/{exception.pk}/").json()
    assert (body["estimated_monthly_cost"], body["actual_cost"]) == ("500.00", "200.00")
    ledger = signed_in_api(s.alice).get(f"/api/v1/exceptions/{exception.pk}/costs/").json()
    assert sorted(entry["amount"] for entry in ledger) == ["120.50", "79.50"]


def test_costs_are_booked_on_active_exceptions_only(s, signed_in_api):
    exception = ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        status="approved",
        route="lead",
        starts_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    response = _book(signed_in_api(s.alice), exception, "10")
    assert response.status_code == 409
    assert "active exceptions only" in response.json()["detail"]
    assert not CostEntry.objects.exists()


@pytest.mark.parametrize(
    "amount, days_ago, field",
    [("-1", 1, "amount"), ("10", -3, "incurred_on"), ("10", 400, "incurred_on")],
    ids=["negative", "in the future", "before the start"],
)
def test_a_bad_cost_entry_is_a_field_error(s, signed_in_api, amount, days_ago, field):
    response = _book(signed_in_api(s.alice), _active(s), amount, days_ago=days_ago)
    assert response.status_code == 400 and field in response.json()
    assert not CostEntry.objects.exists()


def test_others_may_not_book_costs(s, signed_in_api):
    exception = _active(s)
    assert _book(signed_in_api(s.ada), exception, "10").status_code == 403
    assert _book(signed_in_api(s.dan), exception, "10").status_code == 403
    assert _book(signed_in_api(s.bob), exception, "10").status_code == 404


def test_costs_are_summed_per_process(s, signed_in_api):
    a, b = _active(s, monthly="500"), _active(s, monthly="700")
    other = _active(s, process=s.billing, monthly="100")
    ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, status="draft", estimated_monthly_cost=Decimal("9999")
    )
    alice = signed_in_api(s.alice)
    for exception, amount in ((a, "100"), (a, "50"), (b, "25"), (other, "5")):
        assert _book(alice, exception, amount).status_code == 201
    summary = {row["name"]: row for row in alice.get("/api/v1/processes/cost-summary/").json()}
    assert summary["Fulfilment"]["active_exceptions"] == 2
    assert summary["Fulfilment"]["estimated_monthly_cost"] == "1200.00"
    assert summary["Fulfilment"]["actual_cost"] == "175.00"
    assert (summary["Billing"]["active_exceptions"], summary["Billing"]["actual_cost"]) == (1, "5.00")
    # bob sees none of alice's requests, so none of their costs.
    bob_view = {
        row["name"]: row for row in signed_in_api(s.bob).get("/api/v1/processes/cost-summary/").json()
    }
    assert (bob_view["Fulfilment"]["active_exceptions"], bob_view["Fulfilment"]["actual_cost"]) == (0, "0.00")


def test_similar_active_exceptions_on_the_same_process(s):
    mine = _active(s)
    amys = _active(s, customer=s.borealis)
    _active(s, process=ProcessFactory())
    ExceptionRequestFactory(customer=s.borealis, process=s.fulfilment, status="under_review", route="lead")
    assert set(selectors.similar_active_exceptions(s.oscar, process=s.fulfilment)) == {mine, amys}
    assert list(selectors.similar_active_exceptions(s.oscar, process=s.fulfilment, customer=s.acme)) == [amys]
    summary = selectors.similar_summary(process=s.fulfilment)
    assert (summary["exceptions"], summary["customers"], summary["monthly_cost"]) == (2, 2, Decimal("1000"))
