"""Open cases follow their customer's tier: when the customer moves, the SLA clock is recomputed."""

import datetime

import pytest

from segments.models import ServiceCase, SlaPolicy
from segments.services import customers as customer_services
from segments.services import sla
from segments.services.classification import apply_preview, preview, reclassify
from tests.segments.factories import PREMIER_FIGURES, CustomerFactory, SlaPolicyFactory, people, region, tiers

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    cast = people()
    strategic, premier, standard = tiers()
    for segment, minutes in ((strategic, 30), (premier, 60), (standard, 240)):
        SlaPolicyFactory(
            segment=segment,
            priority="P2",
            first_response_minutes=minutes,
            resolution_minutes=minutes * 4,
            clock=SlaPolicy.Clock.ALWAYS,
        )
    customer = CustomerFactory(region=region("EMEA"), account_manager=cast["alice"], **PREMIER_FIGURES)
    reclassify()
    customer.refresh_from_db()
    case = sla.open_case(
        actor=cast["alice"],
        customer=customer,
        priority="P2",
        opened_at=datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC),
    )
    return {
        **cast,
        "strategic": strategic,
        "premier": premier,
        "standard": standard,
        "customer": customer,
        "case": case,
    }


def response_minutes(case: ServiceCase) -> float:
    case.refresh_from_db()
    return (case.response_due_at - case.opened_at).total_seconds() / 60


def test_threshold_change_recomputes_open_cases_of_customers_who_move(scene):
    assert scene["customer"].segment == scene["premier"]
    assert response_minutes(scene["case"]) == 60
    proposal = [{"id": scene["premier"].pk, "min_annual_revenue": "90000000"}]
    shown = preview(user=scene["oscar"], proposal=proposal)
    apply_preview(
        user=scene["oscar"],
        proposal=proposal,
        fingerprint=shown.fingerprint,
        reason="premier is for the very big",
    )
    assert response_minutes(scene["case"]) == 240
    scene["case"].refresh_from_db()
    assert scene["case"].queue == "general"


def test_locking_a_customer_into_a_tier_recomputes_their_open_cases(scene):
    customer_services.lock_segment(
        actor=scene["oscar"],
        customer=scene["customer"],
        segment=scene["strategic"],
        reason="board decision 2026-11",
    )
    assert response_minutes(scene["case"]) == 30
    scene["case"].refresh_from_db()
    assert scene["case"].queue == "Strategic accounts desk"
    customer_services.unlock_segment(
        actor=scene["oscar"], customer=scene["customer"], reason="back to the rules"
    )
    assert response_minutes(scene["case"]) == 60


def test_resolved_cases_keep_the_clock_they_ran_on(scene):
    sla.resolve_case(
        actor=scene["alice"], case=scene["case"], at=scene["case"].opened_at + datetime.timedelta(minutes=20)
    )
    customer_services.lock_segment(
        actor=scene["oscar"],
        customer=scene["customer"],
        segment=scene["standard"],
        reason="customer asked to downgrade",
    )
    assert response_minutes(scene["case"]) == 60
