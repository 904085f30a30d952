"""The exceptions API writes its rows by hand (exceptions/api/rows.py, `ExceptionSerializer.to_representation`),
from narrower rows (`selectors.api_rows_for`, the scope regions' codes per page): each person reads the JSON
DRF's ModelSerializer wrote from `selectors.exceptions_for` before, to the character and in the same key order —
money, dates, nulls, the scope regions, the actual cost, `allowed_actions`, times in their own zone."""

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

from exceptions import selectors
from exceptions.api.rows import ExceptionSerializer
from exceptions.models import CostEntry, ExceptionRequest
from tests.exceptions.factories import ExceptionRequestFactory, request_payload, scenario

pytestmark = pytest.mark.django_db

PARIS = "Europe/Paris"
Status = ExceptionRequest.Status


class DrfExceptionSerializer(ExceptionSerializer):
    """The serializer as it was: DRF's own field-by-field output."""

    def to_representation(self, exception):
        return serializers.ModelSerializer.to_representation(self, exception)


@pytest.fixture
def s():
    """scenario(), with requests in several states: a permanent draft (no expiry, never moved), a lead-routed
    submitted one, one with the board, an active one with costs booked, one of Amy's customer; scope regions
    added out of order, odd money, a status change at a summer time."""
    s = scenario()
    s.alice.time_zone = PARIS
    s.alice.save()
    draft = ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        kind="permanent",
        permanent_reason="The standard cannot carry \u201cSaturday\u201d slots.",
        expires_on=None,
        scope_sites=["Lyon DC", "Gen\u00e8ve"],
        scope_shifts=[],
        estimated_one_off_cost=Decimal("1234.5"),
        estimated_monthly_cost=Decimal("0"),
        revenue_at_risk=Decimal("99999999.99"),
        deviation_tag="saturday-delivery",
    )
    draft.scope_regions.add(s.amer, s.emea)
    submitted = ExceptionRequestFactory(
        customer=s.acme,
        process=s.billing,
        status=Status.SUBMITTED,
        route="lead",
        status_changed_at=datetime.datetime(2026, 7, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC),
        risk_rating="medium",
    )
    submitted.scope_regions.add(s.emea)
    ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, status=Status.UNDER_REVIEW, route="board",
        status_changed_at=timezone.now(),
    )  # fmt: skip
    active = ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        status=Status.ACTIVE,
        route="lead",
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
        expires_on=timezone.localdate() + datetime.timedelta(days=60),
        status_changed_at=timezone.now(),
    )
    for amount in (Decimal("10.10"), Decimal("0.05"), Decimal("250")):
        CostEntry.objects.create(
            exception=active,
            incurred_on=timezone.localdate(),
            amount=amount,
            recorded_by=s.oscar,
            recorded_at=timezone.now(),
        )
    ExceptionRequestFactory(
        customer=s.borealis, process=s.billing, status=Status.SUBMITTED, route="lead",
        status_changed_at=timezone.now(),
    )  # fmt: skip
    return s


def drf_request(user, path="/api/v1/exceptions/"):
    raw = RequestFactory().get(path)
    raw.user = user
    request = Request(raw)
    request.user = user
    return request


def as_before(user, rows, many=True):
    """What DRF's serializer wrote from the full rows (`exceptions_for`), in the person's time zone."""
    with timezone.override(zoneinfo.ZoneInfo(user.time_zone or "UTC")):
        data = DrfExceptionSerializer(rows, many=many, context={"request": drf_request(user)}).data
    return json.loads(JSONRenderer().render(data))


def items(rows) -> list[list[tuple]]:
    """Rows as (key, value) pairs in order: the key order counts too."""
    return [list(row.items()) for row in rows]


@pytest.mark.parametrize("who", ["alice", "amy", "oscar", "olivia", "carol", "ada"])
def test_the_list_reads_as_drf_wrote_it(s, client, who):
    user = getattr(s, who)
    client.force_login(user)  # a session: the person's own time zone (alice: Paris)
    response = client.get("/api/v1/exceptions/?page_size=200")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert results, "the person sees some requests"
    assert items(results) == items(
        as_before(user, selectors.exceptions_for(user).order_by("-created_at", "-id"))
    )
    if who == "alice":
        draft = next(row for row in results if row["status"] == "draft")
        assert (draft["expires_on"], draft["status_changed_at"], draft["scope_regions"]) == (
            None,
            None,
            ["AMER", "EMEA"],
        )
        assert (draft["estimated_one_off_cost"], draft["revenue_at_risk"]) == ("1234.50", "99999999.99")
        submitted = next(row for row in results if row["status"] == "submitted")
        assert submitted["status_changed_at"] == "2026-07-01T10:30:15.123456+02:00"
        assert next(row for row in results if row["status"] == "active")["actual_cost"] == "260.15"
    if who == "oscar":
        waiting = next(row for row in results if row["status"] == "submitted")
        assert waiting["allowed_actions"] == ["approve", "reject", "return_for_changes"]


def test_a_leads_filtered_queue_reads_as_drf_wrote_it(s, client):
    client.force_login(s.oscar)
    response = client.get("/api/v1/exceptions/?status=submitted&route=lead&page_size=50")
    expected = selectors.exceptions_for(s.oscar).filter(status="submitted", route="lead")
    assert items(response.json()["results"]) == items(
        as_before(s.oscar, expected.order_by("-created_at", "-id"))
    )
    assert len(response.json()["results"]) == 2


def test_one_request_and_each_write_read_as_drf_wrote_them(s, client):
    client.force_login(s.alice)
    created = client.post("/api/v1/exceptions/", request_payload(s), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    def drf_now():
        return as_before(s.alice, selectors.exceptions_for(s.alice).get(pk=pk), many=False)

    assert list(created.json().items()) == list(drf_now().items())
    assert list(client.get(f"/api/v1/exceptions/{pk}/").json().items()) == list(drf_now().items())
    changed = client.patch(
        f"/api/v1/exceptions/{pk}/",
        {"scope_regions": [], "title": "Saturday \u201cearly\u201d deliveries"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert list(changed.json().items()) == list(drf_now().items())
    submitted = client.post(f"/api/v1/exceptions/{pk}/submit/", {}, content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    assert list(submitted.json().items()) == list(drf_now().items())
    assert submitted.json()["route"] == "lead"


def test_the_hand_written_fields_are_the_declared_ones(s):
    """A field added to Meta.fields without its line in `to_representation` fails here, not in a client."""
    row = selectors.api_rows_for(s.alice).first()
    written = ExceptionSerializer(row, context={"request": drf_request(s.alice)}).data
    assert list(written) == ExceptionSerializer.Meta.fields
