"""Goodwill within delegated authority (issue 19, item 4): within the giver's limit for the customer's tier it is
recorded at once, no approval; above it, an exception request created and submitted through the exceptions
app, routed by the region's thresholds (a lead below them, the board above); bad amounts, a customer not affected
or not the giver's, a closed incident: 400/400/409, nothing written."""

from decimal import Decimal

import pytest

from exceptions.models import ExceptionRequest
from incidents.models import AffectedCustomer, Goodwill, GoodwillLimit
from tests.exceptions.factories import scenario
from tests.incidents.factories import incident
from tests.segments.factories import tiers

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    world = scenario()
    world.strategic, world.premier, world.standard = tiers()
    for customer, segment in ((world.acme, world.strategic), (world.borealis, world.premier)):
        customer.segment = segment
        customer.save()
    GoodwillLimit.objects.create(role="account manager", segment=world.strategic, amount=Decimal("500"))
    GoodwillLimit.objects.create(role="operations lead", segment=world.strategic, amount=Decimal("2000"))
    world.incident = incident(world.oscar, [world.emea])
    world.incident.processes.set([world.fulfilment])
    for customer in (world.acme, world.borealis):
        AffectedCustomer.objects.create(
            incident=world.incident, customer=customer, via="rule", added_at=world.incident.started_at
        )
    return world


def _give(client, incident, **body):
    payload = {
        "customer": None,
        "kind": "credit",
        "amount": "300.00",
        "reason": "Ten years with us; late twice.",
    }
    return client.post(f"/api/v1/incidents/{incident.pk}/goodwill/", {**payload, **body}, format="json")


def test_within_the_limit_it_is_recorded_at_once_without_approval(s, signed_in_api):
    response = _give(signed_in_api(s.alice), s.incident, customer=s.acme.pk)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["limit"], body["exception"], body["given_by"]) == (
        "recorded",
        "300.00",
        "500.00",
        None,
        "am.alice",
    )
    assert not ExceptionRequest.objects.filter(customer=s.acme).exists()


def test_above_the_limit_it_becomes_an_exception_request_routed_by_the_thresholds(s, signed_in_api):
    client = signed_in_api(s.alice)
    _give(client, s.incident, customer=s.acme.pk)  # 300 of 500
    second = _give(client, s.incident, customer=s.acme.pk, amount="250.00")  # 550 > 500
    large = _give(client, s.incident, customer=s.acme.pk, amount="25000.00", kind="expedite")

    assert second.status_code == 201 and large.status_code == 201, (second.content, large.content)
    small, big = (ExceptionRequest.objects.get(pk=r.json()["exception"]) for r in (second, large))
    assert second.json()["status"] == "requested" and large.json()["status"] == "requested"
    # Below the region's one-off threshold (20,000): a lead decides; above it: the board.
    assert (small.status, small.route, small.estimated_one_off_cost, small.kind) == (
        "submitted",
        "lead",
        Decimal("250.00"),
        "one_off",
    )
    assert (big.status, big.route) == ("under_review", "board")
    assert small.requested_by == s.alice and small.process == s.fulfilment
    assert small.justification == "Ten years with us; late twice."


def test_a_tier_without_a_limit_asks_for_approval_for_any_amount(s, signed_in_api):
    response = _give(signed_in_api(s.amy), s.incident, customer=s.borealis.pk, amount="10.00")
    assert response.status_code == 201 and response.json()["status"] == "requested"
    assert response.json()["limit"] == "0.00"


def test_the_lead_gives_within_their_own_higher_limit(s, signed_in_api):
    response = _give(signed_in_api(s.oscar), s.incident, customer=s.acme.pk, amount="1500.00")
    assert response.status_code == 201 and response.json()["status"] == "recorded"


@pytest.mark.parametrize("amount", ["-50", "0", "abc", "", None, "1e400", "12345678901234"])
def test_a_negative_or_non_numeric_amount_is_a_400_naming_amount(s, signed_in_api, amount):
    response = _give(signed_in_api(s.alice), s.incident, customer=s.acme.pk, amount=amount)
    assert response.status_code == 400 and "amount" in response.json(), response.content
    assert not Goodwill.objects.exists()


def test_a_customer_not_affected_or_not_yours_is_a_400_naming_customer(s, signed_in_api):
    alice = signed_in_api(s.alice)
    AffectedCustomer.objects.filter(customer=s.acme).delete()
    not_affected = _give(alice, s.incident, customer=s.acme.pk)
    not_hers = _give(alice, s.incident, customer=s.borealis.pk)  # amy's customer
    other_region = _give(alice, s.incident, customer=s.zenith.pk)
    nothing = _give(alice, s.incident, customer=999999)

    for response in (not_affected, not_hers, other_region, nothing):
        assert response.status_code == 400 and "customer" in response.json(), response.content
    assert not Goodwill.objects.exists() and not ExceptionRequest.objects.exists()


def test_who_may_give_and_when(s, signed_in_api):
    assert _give(signed_in_api(s.ada), s.incident, customer=s.acme.pk).status_code == 403
    assert _give(signed_in_api(s.olivia), s.incident, customer=s.acme.pk).status_code == 403
    s.incident.status = "reviewed"
    s.incident.save()
    assert _give(signed_in_api(s.alice), s.incident, customer=s.acme.pk).status_code == 409
    assert not Goodwill.objects.exists()


def test_the_goodwill_given_reads_as_the_customers_do(s, signed_in_api):
    _give(signed_in_api(s.alice), s.incident, customer=s.acme.pk)
    _give(signed_in_api(s.amy), s.incident, customer=s.borealis.pk, amount="20.00")

    lead = signed_in_api(s.oscar).get(f"/api/v1/incidents/{s.incident.pk}/goodwill/").json()
    alice = signed_in_api(s.alice).get(f"/api/v1/incidents/{s.incident.pk}/goodwill/").json()

    assert lead["count"] == 2
    assert [row["customer"] for row in alice["results"]] == [s.acme.pk]
