"""Factories of the segments app, and scenario helpers: "three tiers", "a region's working week", "the people"."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import factory
from django.utils import timezone

from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from segments.models import (
    Customer,
    Holiday,
    Segment,
    ServiceCase,
    SlaPolicy,
    WaitingInterval,
    WorkingCalendar,
)
from tests.factories import RegionFactory, user_with


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Tier {n}")
    rank = factory.Sequence(lambda n: n + 1)
    min_annual_revenue = Decimal("0")
    min_strategic_value = 1
    min_lifetime_value = Decimal("0")
    min_support_complexity = 1
    capacity = 100


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    source = "crm"
    external_id = factory.Sequence(lambda n: f"CRM-{n:05d}")
    name = factory.Sequence(lambda n: f"Customer {n:03d}")
    region = factory.SubFactory(RegionFactory, code="EMEA")
    account_manager = None
    annual_revenue = Decimal("100000")
    strategic_value = 2
    support_complexity = 2
    lifetime_value = Decimal("300000")
    segment = None


class WorkingCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingCalendar
        django_get_or_create = ["region"]

    region = factory.SubFactory(RegionFactory, code="EMEA")
    timezone = "UTC"
    weekdays = factory.LazyFunction(lambda: [0, 1, 2, 3, 4])
    day_starts = datetime.time(9)
    day_ends = datetime.time(17)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    calendar = factory.SubFactory(WorkingCalendarFactory)
    on = datetime.date(2025, 12, 25)
    name = "Holiday"


class SlaPolicyFactory(factory.django.DjangoModelFactory):
    """A policy written straight to the table (no equity guard): for fixtures, not for testing the guard."""

    class Meta:
        model = SlaPolicy

    segment = factory.SubFactory(SegmentFactory)
    priority = "P3"
    first_response_minutes = 120
    resolution_minutes = 960
    clock = SlaPolicy.Clock.BUSINESS_HOURS


class ServiceCaseFactory(factory.django.DjangoModelFactory):
    """A case written straight to the table (no SLA clock): for lists; use `open_case` to test the clock."""

    class Meta:
        model = ServiceCase

    customer = factory.SubFactory(CustomerFactory)
    source = "ticketing"
    external_id = factory.Sequence(lambda n: f"TKT-{n:05d}")
    title = factory.Sequence(lambda n: f"Issue {n}")
    priority = "P3"
    opened_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))


class WaitingIntervalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitingInterval

    case = factory.SubFactory(ServiceCaseFactory)
    started_at = factory.LazyAttribute(lambda wait: wait.case.opened_at + datetime.timedelta(minutes=5))
    ended_at = None


def tiers(*, strategic_capacity: int = 3, premier_capacity: int = 5) -> tuple[Segment, Segment, Segment]:
    """Strategic (rank 1), Premier (rank 2) and Standard (rank 3, everyone else), like the demo's."""
    strategic = SegmentFactory(
        name="Strategic",
        rank=1,
        min_annual_revenue=Decimal("5000000"),
        min_strategic_value=4,
        min_lifetime_value=Decimal("20000000"),
        capacity=strategic_capacity,
        dedicated_team="Strategic accounts desk",
    )
    premier = SegmentFactory(
        name="Premier",
        rank=2,
        min_annual_revenue=Decimal("1000000"),
        min_strategic_value=3,
        min_lifetime_value=Decimal("3000000"),
        capacity=premier_capacity,
        dedicated_team="Premier support",
    )
    standard = SegmentFactory(name="Standard", rank=3, capacity=100)
    return strategic, premier, standard


def region(code: str) -> Region:
    return RegionFactory(code=code)


def people() -> dict:
    """The demo's cast, by first name: two EMEA account managers, one AMER, an EMEA lead, an auditor, a steward."""
    return {
        "alice": user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.alice"),
        "amy": user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.amy"),
        "bob": user_with(Role.ACCOUNT_MANAGER, regions=["AMER"], username="am.bob"),
        "oscar": user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.oscar"),
        "ada": user_with(Role.AUDITOR, regions=["EMEA", "AMER"], username="audit.ada"),
        "sam": user_with(Role.DATA_STEWARD, regions=["EMEA", "AMER"], username="steward.sam"),
        "olivia": user_with(Role.PROCESS_OWNER, regions=["EMEA", "AMER"], username="owner.olivia"),
    }


# Figures that meet each tier of `tiers()` (and only that tier or lower).
STRATEGIC_FIGURES = {
    "annual_revenue": Decimal("6000000"),
    "strategic_value": 5,
    "support_complexity": 3,
    "lifetime_value": Decimal("25000000"),
}
PREMIER_FIGURES = {
    "annual_revenue": Decimal("1500000"),
    "strategic_value": 3,
    "support_complexity": 2,
    "lifetime_value": Decimal("4500000"),
}
STANDARD_FIGURES = {
    "annual_revenue": Decimal("400000"),
    "strategic_value": 2,
    "support_complexity": 1,
    "lifetime_value": Decimal("800000"),
}


def five_customers() -> SimpleNamespace:
    """EMEA and AMER with the demo's cast, three tiers classified by the rules with 24×7 SLA policies, and
    five customers: Acme (strategic), Borealis (premier) and Cobalt (standard, another manager) in EMEA;
    Delta (premier) and Evergreen (standard) in AMER. Callers add the cases their tests need."""
    from segments.services.classification import reclassify

    cast = people()
    strategic, premier, standard = tiers()
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    customer = {"region": emea, "account_manager": cast["alice"]}
    customers = {
        "acme": CustomerFactory(
            name="Acme Logistics",
            external_id="CRM-0001",
            contact_email="ceo@acme.example",
            personal_notes="Prefers calls on Monday mornings.",
            **customer,
            **STRATEGIC_FIGURES,
        ),
        "borealis": CustomerFactory(
            name="Borealis Foods", external_id="CRM-0002", **customer, **PREMIER_FIGURES
        ),
        "cobalt": CustomerFactory(
            name="Cobalt Pharma",
            external_id="CRM-0003",
            region=emea,
            account_manager=cast["amy"],
            contact_email="it@cobalt.example",
            **STANDARD_FIGURES,
        ),
        "delta": CustomerFactory(
            name="Delta Retail",
            external_id="CRM-0004",
            region=amer,
            account_manager=cast["bob"],
            contact_email="ops@delta.example",
            **PREMIER_FIGURES,
        ),
        "evergreen": CustomerFactory(
            name="Evergreen Energy",
            external_id="CRM-0005",
            region=amer,
            account_manager=cast["bob"],
            **STANDARD_FIGURES,
        ),
    }
    reclassify()
    for segment in (strategic, premier, standard):
        for priority, minutes in (("P1", 60), ("P2", 120), ("P3", 240), ("P4", 480)):
            SlaPolicyFactory(
                segment=segment,
                priority=priority,
                first_response_minutes=minutes * segment.rank,
                resolution_minutes=minutes * segment.rank * 8,
                clock="24x7",
            )
    return SimpleNamespace(
        **cast,
        admin=user_with(Role.ADMINISTRATOR, regions=[], username="the.admin"),
        strategic=strategic,
        premier=premier,
        standard=standard,
        emea=emea,
        amer=amer,
        customers=customers,
    )
