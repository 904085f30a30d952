"""The customers API writes its rows by hand (segments/api/customers.py, `CustomerSerializer.to_representation`):
each person reads the JSON DRF's ModelSerializer wrote before, to the character and in the same key order —
masked and shown sensitive fields, nulls, money, times in their own zone — and the same access-log rows are
written for it."""

import datetime
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from intimacy_ops import sensitive
from privacy.models import AccessLogEntry
from privacy.services import sensitive_access
from segments.api.customers import CustomerSerializer, SampleCustomerSerializer
from segments.models import Customer
from segments.selectors.customers import customers_for
from tests.segments.factories import CustomerFactory, five_customers

pytestmark = pytest.mark.django_db

PARIS = "Europe/Paris"


class DrfCustomerSerializer(CustomerSerializer):
    """The serializer as it was: DRF's own field-by-field output."""

    def to_representation(self, customer):
        return serializers.ModelSerializer.to_representation(self, customer)


class DrfSampleCustomerSerializer(SampleCustomerSerializer):
    def to_representation(self, customer):
        return serializers.ModelSerializer.to_representation(self, customer)


@pytest.fixture
def world():
    """five_customers, plus the rows that try a hand-written serializer: no account manager and no segment, a
    segment placed by hand, odd money; a steward's grant and a break-glass session opening customers to Oscar."""
    w = five_customers()
    w.loose = CustomerFactory(
        name="Loose Ends Ltd",
        external_id="CRM-0006",
        region=w.emea,
        account_manager=None,
        annual_revenue=Decimal("1234.5"),
        lifetime_value=Decimal("0"),
        contact_email="",
        personal_notes="",
    )
    w.customers["borealis"].segment_locked = True
    w.customers["borealis"].segment_locked_by = w.oscar
    w.customers["borealis"].segment_lock_reason = "Key account for the \u201cNorth\u201d launch."
    w.customers["borealis"].personal_notes = "Speaks French; 2 kids.\nCall before 9."
    w.customers["borealis"].save()
    sensitive_access.grant_access(
        actor=w.sam,
        user=w.oscar,
        subject=w.customers["cobalt"],
        purpose="Escalated complaint",
        expires_at=timezone.now() + datetime.timedelta(days=2),
    )
    sensitive_access.open_break_glass(
        actor=w.oscar, subject=w.customers["acme"], justification="Outage: must call the CEO now.", hours=1
    )
    w.alice.time_zone = PARIS
    w.alice.save()
    return w


def drf_request(user, path="/api/v1/customers/"):
    raw = RequestFactory().get(path)
    raw.user = user
    request = Request(raw)
    request.user = user
    return request


def logged_since(first_id: int) -> list[tuple]:
    rows = AccessLogEntry.objects.filter(pk__gt=first_id).select_related("user")
    return sorted(
        (row.user.username, row.subject_id, tuple(row.fields), row.purpose, row.channel) for row in rows
    )


def last_log_id() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def as_before(user, queryset, serializer_class=DrfCustomerSerializer, many=True):
    """What DRF's serializer wrote for these rows: in the person's time zone, recorded as one API response."""
    zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    with timezone.override(zone), sensitive.recording(channel=sensitive.API):
        data = serializer_class(queryset, many=many, context={"request": drf_request(user)}).data
    return json.loads(JSONRenderer().render(data))


def items(rows) -> list[list[tuple]]:
    """Rows as (key, value) pairs in order: the key order counts too."""
    return [list(row.items()) for row in rows]


@pytest.mark.parametrize("who", ["alice", "oscar", "sam", "ada", "bob", "admin"])
def test_the_list_reads_as_drf_wrote_it_masks_alike_and_logs_alike(world, client, who):
    user = getattr(world, who)
    client.force_login(user)  # a session: the person's own time zone (alice: Paris)
    before = last_log_id()
    response = client.get("/api/v1/customers/?page_size=200")
    assert response.status_code == 200, response.content
    logged_now = logged_since(before)

    before = last_log_id()
    expected = as_before(user, customers_for(user).order_by("name", "id"))
    logged_then = logged_since(before)

    results = response.json()["results"]
    assert items(results) == items(expected)
    assert logged_now == logged_then
    if who == "alice":  # her own accounts in full, in her zone; Cobalt (Amy's) masked
        by_name = {row["name"]: row for row in results}
        assert by_name["Acme Logistics"]["contact_email"] == "ceo@acme.example"
        assert by_name["Cobalt Pharma"]["contact_email"] == sensitive.MASK
        assert by_name["Acme Logistics"]["created_at"].endswith(("+01:00", "+02:00"))
        assert by_name["Loose Ends Ltd"]["annual_revenue"] == "1234.50"
        assert by_name["Loose Ends Ltd"]["account_manager"] is None
        assert by_name["Loose Ends Ltd"]["segment_locked_by"] is None
    if who == "oscar":  # a grant (Cobalt) and break-glass (Acme) open two; logged as such
        assert {row[1]: row[3] for row in logged_now} == {
            world.customers["cobalt"].pk: "grant: Escalated complaint",
            world.customers["acme"].pk: sensitive.BREAK_GLASS,
        }
        assert {row["name"]: row["segment_locked_by"] for row in results}["Borealis Foods"] == "ops.oscar"


def test_one_customer_and_a_write_read_as_drf_wrote_them(world, client):
    client.force_login(world.alice)
    acme = world.customers["acme"]
    response = client.get(f"/api/v1/customers/{acme.pk}/")
    assert response.status_code == 200
    expected = as_before(world.alice, customers_for(world.alice).get(pk=acme.pk), many=False)
    assert list(response.json().items()) == list(expected.items())

    changed = client.patch(
        f"/api/v1/customers/{acme.pk}/",
        {"annual_revenue": "7000000.1", "personal_notes": "Moved to Tuesdays."},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    expected = as_before(world.alice, customers_for(world.alice).get(pk=acme.pk), many=False)
    assert list(changed.json().items()) == list(expected.items())
    assert changed.json()["annual_revenue"] == "7000000.10"


def test_a_tier_preview_sample_reads_as_drf_wrote_it(world):
    """The tiers' what-if sample adds `proposed_segment` (the customer's `target`), and leaves it out without one."""
    rows = list(customers_for(world.oscar).order_by("name", "id"))
    for index, customer in enumerate(rows):
        if index % 3 == 0:
            customer.target = world.premier.pk
        elif index % 3 == 1:
            customer.target = None
    context = {"request": drf_request(world.oscar)}
    with sensitive.recording(channel=sensitive.API):
        mine = SampleCustomerSerializer(rows, many=True, context=context).data
        drf = DrfSampleCustomerSerializer(rows, many=True, context=context).data
    assert items(json.loads(JSONRenderer().render(mine))) == items(json.loads(JSONRenderer().render(drf)))
    assert [row.get("proposed_segment", "absent") for row in mine][:3] == [world.premier.pk, None, "absent"]


def test_the_hand_written_fields_are_the_declared_ones(world):
    """A field added to Meta.fields without its line in `to_representation` fails here, not in a client."""
    customer = Customer.objects.select_related("region", "account_manager", "segment").first()
    with sensitive.recording(channel=sensitive.API):
        written = CustomerSerializer(customer, context={"request": drf_request(world.alice)}).data
    assert list(written) == CustomerSerializer.Meta.fields
