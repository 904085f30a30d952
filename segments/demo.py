"""Demo segments, calendars, SLA policies, customers and cases (CONTRACT.md, "Demo data"). Idempotent."""

import datetime
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from intimacy_ops import seeding
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.escalations import services as escalation_services
from intimacy_ops.escalations.models import Escalation
from segments import checks as sla_checks
from segments.models import Customer, Holiday, Priority, Segment, ServiceCase, SlaPolicy, WorkingCalendar
from segments.services import customers as customer_services
from segments.services import sla as sla_services
from segments.services import sla_policies
from segments.services.classification import reclassify

SEGMENTS = [
    # name, rank, revenue, strategic, lifetime, complexity, capacity, dedicated team
    ("Strategic", 1, 5_000_000, 4, 20_000_000, 1, 10, "Strategic accounts desk"),
    ("Premier", 2, 1_000_000, 3, 3_000_000, 1, 15, "Premier support"),
    ("Standard", 3, 0, 1, 0, 1, 100, ""),
]
# Minutes for P1..P4, by rank: (first response, resolution)
TARGETS = {
    1: [(15, 240), (30, 480), (120, 1440), (240, 2880)],
    2: [(30, 480), (60, 960), (240, 2880), (480, 4320)],
    3: [(60, 960), (120, 1920), (480, 4320), (960, 7200)],
}
CALENDARS = {
    "EMEA": (
        "Europe/Paris",
        datetime.time(9),
        datetime.time(18),
        [(12, 25, "Christmas Day"), (1, 1, "New Year's Day"), (5, 1, "Labour Day")],
    ),
    "AMER": (
        "America/New_York",
        datetime.time(8),
        datetime.time(17),
        [(12, 25, "Christmas Day"), (1, 1, "New Year's Day"), (7, 4, "Independence Day")],
    ),
}
COMPANIES = [
    "Acme Logistics",
    "Borealis Foods",
    "Cobalt Pharma",
    "Delta Retail",
    "Evergreen Energy",
    "Fjord Shipping",
    "Granite Insurance",
    "Helix Biotech",
    "Ionic Telecom",
    "Juniper Hotels",
    "Kestrel Aviation",
    "Lumen Media",
    "Meridian Bank",
    "Nimbus Cloud",
    "Orchid Cosmetics",
    "Pioneer Mining",
    "Quasar Robotics",
    "Radiant Health",
    "Sierra Outdoor",
    "Tundra Motors",
    "Umbra Security",
    "Vertex Chemicals",
    "Willow Education",
    "Xenon Lighting",
    "Yardley Textiles",
    "Zephyr Airlines",
    "Atlas Construction",
    "Beacon Utilities",
    "Cascade Beverages",
    "Dune Solar",
    "Ember Foods",
    "Falcon Freight",
    "Glacier Water",
    "Harbor Ports",
    "Indigo Fashion",
    "Jade Electronics",
    "Kite Payments",
    "Lattice Software",
    "Mosaic Furniture",
    "Nova Semiconductors",
]


def _admin() -> User:
    return User.objects.get(username="admin")


@seeding.register(name="segments, calendars and SLA policies", order=10)
def seed_tiers() -> str:
    admin = _admin()
    created = 0
    with transaction.atomic():
        for name, rank, revenue, strategic, lifetime, complexity, capacity, team in SEGMENTS:
            _, was_created = Segment.objects.get_or_create(
                name=name,
                defaults={
                    "rank": rank,
                    "min_annual_revenue": Decimal(revenue),
                    "min_strategic_value": strategic,
                    "min_lifetime_value": Decimal(lifetime),
                    "min_support_complexity": complexity,
                    "capacity": capacity,
                    "dedicated_team": team,
                },
            )
            created += was_created
        for code, (zone, starts, ends, holidays) in CALENDARS.items():
            calendar, _ = WorkingCalendar.objects.get_or_create(
                region=Region.objects.get(code=code),
                defaults={
                    "timezone": zone,
                    "weekdays": [0, 1, 2, 3, 4],
                    "day_starts": starts,
                    "day_ends": ends,
                },
            )
            year = timezone.now().year
            for y in (year, year + 1):
                for month, day, label in holidays:
                    Holiday.objects.get_or_create(
                        calendar=calendar, on=datetime.date(y, month, day), defaults={"name": label}
                    )
    policies = 0
    for segment in Segment.objects.order_by("rank"):
        for priority, (response, resolution) in zip(
            Priority.values, TARGETS.get(segment.rank, TARGETS[3]), strict=True
        ):
            if not SlaPolicy.objects.filter(segment=segment, priority=priority).exists():
                sla_policies.save_policy(
                    actor=admin,
                    segment=segment,
                    priority=priority,
                    values={
                        "first_response_minutes": response,
                        "resolution_minutes": resolution,
                        "clock": SlaPolicy.Clock.ALWAYS
                        if priority == "P1"
                        else SlaPolicy.Clock.BUSINESS_HOURS,
                        "update_interval_minutes": response * 2,
                        "escalation_ladder": [{"after_minutes": response, "role": "operations lead"}],
                    },
                )
                policies += 1
    return f"{Segment.objects.count()} segments ({created} new), {policies} new SLA policies"


@seeding.register(name="customers and service cases", order=20)
def seed_customers_and_cases() -> str:
    admin = _admin()
    rng = random.Random(20261123)  # noqa: S311  (demo data, reproducible)
    managers = {"EMEA": User.objects.get(username="am.alice"), "AMER": User.objects.get(username="am.bob")}
    regions = {code: Region.objects.get(code=code) for code in managers}
    new_customers = 0
    for number, company in enumerate(COMPANIES, start=1):
        code = "EMEA" if number % 2 else "AMER"
        revenue = Decimal(
            rng.choice([150_000, 400_000, 900_000, 1_500_000, 3_000_000, 6_000_000, 12_000_000])
        )
        figures = {
            "annual_revenue": revenue,
            "strategic_value": rng.randint(1, 5),
            "support_complexity": rng.randint(1, 5),
            "lifetime_value": revenue * rng.choice([2, 3, 4, 5]),
        }
        if Customer.objects.filter(source="crm", external_id=f"CRM-{number:04d}").exists():
            continue
        customer_services.create_customer(
            actor=admin,
            source="crm",
            external_id=f"CRM-{number:04d}",
            name=company,
            region=regions[code],
            account_manager=managers[code],
            contact_email=f"contact@{company.split()[0].lower()}.example",
            personal_notes=f"Prefers calls on {rng.choice(['Monday', 'Tuesday', 'Thursday'])} mornings.",
            consent_profiling=rng.random() > 0.3,
            consent_sentiment=rng.random() > 0.15,
            consent_surveys=rng.random() > 0.2,
            **figures,
        )
        new_customers += 1
    reclassify(actor=admin, reason="demo data")
    new_cases = 0
    now = timezone.now()
    customers = list(Customer.objects.filter(source="crm").order_by("external_id"))
    for number in range(1, 66):
        external_id = f"TKT-{number:05d}"
        if ServiceCase.objects.filter(source="ticketing", external_id=external_id).exists():
            continue
        customer = customers[number % len(customers)]
        roll = rng.random()
        # Handled cases span the last three weeks; untouched ones are mostly recent, so only some are late.
        hours_ago = rng.randint(1, 24 * 20) if roll < 0.6 or roll > 0.9 else rng.randint(1, 6)
        opened = now - datetime.timedelta(hours=hours_ago)
        case = sla_services.open_case(
            actor=admin,
            customer=customer,
            priority=rng.choice(Priority.values),
            title=rng.choice(
                [
                    "Late delivery",
                    "Invoice query",
                    "Damaged goods",
                    "Portal login fails",
                    "Change of delivery slot",
                    "Return authorisation",
                ]
            ),
            opened_at=opened,
            source="ticketing",
            external_id=external_id,
        )
        if roll < 0.45:
            sla_services.record_first_response(
                actor=admin, case=case, at=opened + datetime.timedelta(minutes=rng.randint(5, 600))
            )
            if rng.random() < 0.6:
                sla_services.resolve_case(
                    actor=admin,
                    case=case,
                    at=min(now, opened + datetime.timedelta(minutes=rng.randint(600, 6000))),
                )
        elif roll < 0.6:
            sla_services.start_waiting(
                actor=admin, case=case, at=opened + datetime.timedelta(minutes=rng.randint(1, 30))
            )
        new_cases += 1
    sla_checks.sweep()
    return f"{len(customers)} customers ({new_customers} new), {ServiceCase.objects.count()} cases ({new_cases} new)"


# The dashboard's story: Premier (a higher tier) misses its P3 resolution target that Standard meets.
STORY_CASES = 12


@seeding.register(name="the SLA story: Premier misses what Standard meets", order=25)
def seed_sla_story() -> str:
    admin = _admin()
    now = timezone.now()
    new = 0
    for rank, late in ((2, True), (3, False)):
        # EMEA's first: the story is the demo operations lead's (ops.oscar leads EMEA).
        tier = Customer.objects.filter(source="crm", segment__rank=rank)
        customers = list(tier.filter(region__code="EMEA").order_by("external_id")[:3]) or list(
            tier.order_by("external_id")[:3]
        )
        for number in range(1, STORY_CASES + 1 if customers else 1):
            external_id = f"STORY-{rank}-{number:03d}"
            if ServiceCase.objects.filter(source="ticketing", external_id=external_id).exists():
                continue
            opened = now - datetime.timedelta(days=25 + number * 4, hours=number)
            case = sla_services.open_case(
                actor=admin,
                customer=customers[number % len(customers)],
                priority="P3",
                title="Delivery note missing" if late else "Address change",
                opened_at=opened,
                source="ticketing",
                external_id=external_id,
            )
            sla_services.record_first_response(
                actor=admin, case=case, at=opened + datetime.timedelta(minutes=30)
            )
            handled = datetime.timedelta(days=20) if late else datetime.timedelta(hours=2)
            sla_services.resolve_case(actor=admin, case=case, at=opened + handled)
            new += 1
    return f"{new} new story cases"


@seeding.register(name="escalations dated when their line was crossed", order=26)
def seed_escalation_ages() -> str:
    """The sweep above raised its escalations now; date each when its case crossed the line, as a sweep
    running all along would have, and let those left unacknowledged for a week climb to the operations
    lead (in AMER nobody holds that role: the dashboard shows them as held by nobody). Only fresh
    level-1 escalations are dated, so a second run changes nothing."""
    cases = ContentType.objects.get_for_model(ServiceCase)
    fresh = Escalation.objects.filter(
        content_type=cases, level=1, resolved_at__isnull=True, acknowledged_at__isnull=True
    ).exclude(raised_at__lt=F("level_raised_at"))
    dated = 0
    for reason, due in (
        ("sla_response_breached", "response_due_at"),
        ("sla_resolution_breached", "resolution_due_at"),
    ):
        crossed = Subquery(ServiceCase.objects.filter(pk=OuterRef("object_id")).values(due)[:1])
        dated += fresh.filter(reason=reason).update(
            raised_at=Coalesce(crossed, F("raised_at")),
            next_level_at=Coalesce(crossed, F("raised_at")) + datetime.timedelta(days=7),
        )
    climbed = escalation_services.climb_escalations()["climbed"]
    return f"{dated} open escalations dated, {climbed} climbed after a week unacknowledged"
