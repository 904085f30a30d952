"""Factories of the exceptions app, and the scenario: "two regions with thresholds, a board, a lead and the
account managers" in one line."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import factory
from django.utils import timezone

from exceptions.models import ExceptionRequest, Process, ProcessCategory, ProcessVersion, RoutingThreshold
from governance.models import Board
from intimacy_ops.accounts.roles import Role
from tests.factories import RegionFactory, user_with
from tests.segments.factories import CustomerFactory, people


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Process {n:03d}")
    category = ProcessCategory.FULFILMENT
    owner = None
    version = 1

    @factory.post_generation
    def versions(self, create, extracted, **kwargs):
        if create:
            ProcessVersion.objects.create(
                process=self,
                number=self.version,
                procedure=f"The standard way of {self.name}.",
                effective_on=datetime.date(2025, 1, 1),
                published_at=timezone.now(),
            )


class RoutingThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingThreshold
        django_get_or_create = ["region"]

    region = factory.SubFactory(RegionFactory, code="EMEA")
    monthly_cost_below = Decimal("5000")
    one_off_cost_below = Decimal("20000")
    risk_below = "high"
    max_duration_days = 365
    max_extensions = 2


class ExceptionRequestFactory(factory.django.DjangoModelFactory):
    """A request written straight to the table in any status (for the lifecycle table); use the services otherwise."""

    class Meta:
        model = ExceptionRequest

    customer = factory.SubFactory(CustomerFactory)
    process = factory.SubFactory(ProcessFactory)
    process_version = factory.LazyAttribute(lambda o: o.process.versions.get(number=o.process.version))
    title = factory.Sequence(lambda n: f"Exception {n:03d}")
    deviation = "Ship on Saturdays."
    justification = "The customer's stores open on Sundays."
    kind = "recurring"
    estimated_one_off_cost = Decimal("1000")
    estimated_monthly_cost = Decimal("500")
    risk_rating = "low"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    expires_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=90))
    status = ExceptionRequest.Status.DRAFT
    route = ""
    requested_by = factory.LazyAttribute(lambda o: o.customer.account_manager)


def scenario() -> SimpleNamespace:
    """EMEA and AMER with thresholds (CONTRACT.md's), the demo's people, a board over everything, processes
    of two categories, and customers of alice (EMEA) and bob (AMER)."""
    cast = people()
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    carol = user_with(Role.BOARD_CHAIR, regions=["EMEA", "AMER"], username="ccb.carol")
    dan = user_with(Role.BOARD_MEMBER, regions=["EMEA", "AMER"], username="ccb.dan")
    erin = user_with(Role.BOARD_MEMBER, regions=["EMEA", "AMER"], username="ccb.erin")
    RoutingThresholdFactory(region=emea)
    RoutingThresholdFactory(region=amer)
    board = Board.objects.create(name="Change board", chair=carol, categories=[], quorum=2)
    board.members.set([carol, dan, erin])
    board.regions.set([emea, amer])
    fulfilment = ProcessFactory(name="Fulfilment", category=ProcessCategory.FULFILMENT, owner=cast["olivia"])
    billing = ProcessFactory(name="Billing", category=ProcessCategory.BILLING, owner=cast["olivia"])
    acme = CustomerFactory(name="Acme", region=emea, account_manager=cast["alice"])
    borealis = CustomerFactory(name="Borealis", region=emea, account_manager=cast["amy"])
    zenith = CustomerFactory(name="Zenith", region=amer, account_manager=cast["bob"])
    return SimpleNamespace(
        **cast,
        carol=carol,
        dan=dan,
        erin=erin,
        emea=emea,
        amer=amer,
        board=board,
        fulfilment=fulfilment,
        billing=billing,
        acme=acme,
        borealis=borealis,
        zenith=zenith,
    )


def request_payload(s, **overrides) -> dict:
    """A valid API body for a small recurring request by alice for Acme."""
    starts_on = timezone.localdate() + datetime.timedelta(days=7)
    body = {
        "customer": s.acme.pk,
        "process": s.fulfilment.pk,
        "title": "Saturday deliveries",
        "deviation": "Deliver on Saturdays instead of weekdays only.",
        "justification": "Their stores restock on Sundays; the renewal depends on it.",
        "kind": "recurring",
        "scope_regions": ["EMEA"],
        "scope_sites": ["Lyon DC"],
        "scope_shifts": ["Saturday early"],
        "estimated_one_off_cost": "1000.00",
        "estimated_monthly_cost": "800.00",
        "revenue_at_risk": "50000.00",
        "risk_rating": "low",
        "starts_on": starts_on.isoformat(),
        "expires_on": (starts_on + datetime.timedelta(days=180)).isoformat(),
        "handling_procedure": "Saturday shift picks Acme orders first and books the express carrier.",
    }
    body.update(overrides)
    return body
