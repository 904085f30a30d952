"""Demo incidents (issue 19): in EMEA, owned by ops.oscar — a carrier strike resolved twelve days ago (mitigated
the same day, resolved the next; every EMEA customer affected, a credit within alice's limit) and an open outage
of the warehouse management system since this morning (the top tier's EMEA customers affected), each with a few
updates on its timeline; goodwill limits per role and tier (account managers 500/250/100, leads 2000/1000/500).
The strike has its post-mortem (a root-cause analysis opened from it, the trust impact assessed, lessons) and is
reviewed: one active and one reviewed incident (issue 19). Idempotent: found by title, a second seed adds nothing
(a strike seeded before the post-mortem existed gets it).
Messages: a template per tier for the demo incidents' kinds (delay, outage; the top tier's personal) and the
strike's message to alice's first strategic customer, recorded as a phone call.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from exceptions.models import Process
from feedback.services_rca import parts as rca_parts
from incidents.models import GoodwillLimit, Incident, IncidentMessage, MessageTemplate
from incidents.services import affected, message_templates, post_mortem
from incidents.services import goodwill as goodwill_services
from incidents.services import incidents as services
from incidents.services import messages as message_services
from intimacy_ops import seeding
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role
from segments.models import Customer, Segment

# Per tier (by rank): what an account manager and an operations lead give one customer in one incident alone.
LIMITS = {
    1: (Decimal("500"), Decimal("2000")),
    2: (Decimal("250"), Decimal("1000")),
    3: (Decimal("100"), Decimal("500")),
}

STRIKE = "Carrier strike: EMEA deliveries one to three days late"
OUTAGE = "Warehouse management system down: picking stopped in EMEA"


def _processes(*names: str) -> list:
    return list(Process.objects.filter(name__in=names))


def _strike(oscar, emea, now) -> None:
    started = now - datetime.timedelta(days=12, hours=6)
    incident = services.declare(
        actor=oscar,
        title=STRIKE,
        kind=Incident.Kind.DELAY,
        severity=Incident.Severity.MAJOR,
        regions=[emea],
        started_at=started,
        detected_at=started + datetime.timedelta(hours=1),
        processes=_processes("Warehouse picking and shipping"),
        description="The national carrier's drivers struck for 36 hours; parcels waited at our hubs.",
        at=started + datetime.timedelta(hours=1, minutes=10),
    )
    for hours, text in [
        (2, "Carrier confirms the strike; parcels held at the Antwerp and Lyon hubs."),
        (5, "Premium orders rerouted through the backup courier."),
    ]:
        services.post_update(
            incident=incident, actor=oscar, text=text, at=started + datetime.timedelta(hours=hours)
        )
    affected.add_by_rule(incident=incident, actor=oscar, regions=[emea])
    _credit(incident, "A two-day delay on their launch order; customer since 2014.")
    services.transition(
        incident=incident,
        action="mitigate",
        actor=oscar,
        comment="Backup courier carries every strategic customer's orders.",
        at=started + datetime.timedelta(hours=6),
    )
    services.transition(
        incident=incident,
        action="resolve",
        actor=oscar,
        comment="Strike over; the backlog shipped within a day.",
        at=started + datetime.timedelta(days=1, hours=14),
    )
    _post_mortem(incident, oscar)


ASSESSMENT = (
    "Every EMEA customer waited one to three days; the strategic tier was rerouted within six hours, so the harm "
    "fell on Premier and Standard accounts, who heard of the delay from their own customers first. Escalations "
    "stayed on the cases we already had; no customer has reduced their business so far. Trust was dented by the "
    "silence of the first five hours more than by the delay itself."
)
LESSONS = (
    "Tell every affected account within the hour, not only the strategic ones.\n"
    "Keep the backup courier contracted for all tiers, not booked ad hoc."
)


def _analysis(rca) -> None:
    """The process owner's first whys and a corrective action, on the RCA's own services."""
    owner = rca.owner
    for question, answer in WHYS:
        rca_parts.add_why(rca=rca, actor=owner, question=question, answer=answer)
    rca_parts.add_action(
        rca=rca,
        actor=owner,
        description="Contract a second carrier for every tier in EMEA.",
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )


WHYS = [
    ("Why did deliveries stop?", "The national carrier's drivers struck."),
    ("Why did a strike stop every parcel?", "Every EMEA parcel goes through that one carrier."),
    ("Why one carrier?", "The backup courier is booked ad hoc, for strategic orders only."),
]


def _post_mortem(incident, oscar) -> None:
    """The strike's post-mortem, then reviewed (idempotent: only while it is resolved)."""
    if incident.status != Incident.Status.RESOLVED:
        return
    process = incident.processes.order_by("name").first()
    if process is not None and not getattr(getattr(incident, "post_mortem", None), "rca_id", None):
        rca = post_mortem.open_root_cause(
            incident=incident,
            actor=oscar,
            process=process,
            problem="Deliveries stood still for 36 hours: one national carrier for every parcel in EMEA.",
        ).rca
        _analysis(rca)
    post_mortem.write(
        incident=incident,
        actor=oscar,
        trust_assessment=ASSESSMENT,
        lessons=LESSONS,
        actions="Quarterly strike drill with the backup courier.",
    )
    services.transition(
        incident=incident, action="review", actor=oscar, comment="Post-mortem held with the account managers."
    )


def _outage(oscar, emea, now) -> None:
    started = now - datetime.timedelta(hours=3)
    incident = services.declare(
        actor=oscar,
        title=OUTAGE,
        kind=Incident.Kind.OUTAGE,
        severity=Incident.Severity.CRITICAL,
        regions=[emea],
        started_at=started,
        detected_at=started + datetime.timedelta(minutes=25),
        processes=_processes("Warehouse picking and shipping", "Order entry and confirmation"),
        description="The WMS database failed over and the pickers' scanners lost their session.",
        at=started + datetime.timedelta(minutes=30),
    )
    top = Segment.objects.order_by("rank").first()
    if top is not None:
        affected.add_by_rule(incident=incident, actor=oscar, segments=[top])
    services.post_update(
        incident=incident,
        actor=oscar,
        text="Vendor engaged; manual pick lists printed for same-day orders.",
        at=started + datetime.timedelta(hours=1),
    )


def _credit(incident, reason: str) -> None:
    """A credit within the limit from one of alice's strategic customers' account manager (if there is one)."""
    customer = (
        Customer.objects.filter(account_manager__username="am.alice", segment__rank=1, region__code="EMEA")
        .order_by("name")
        .first()
    )
    if customer is not None:
        goodwill_services.give(
            incident=incident,
            actor=customer.account_manager,
            customer_id=customer.pk,
            kind="credit",
            amount=Decimal("300"),
            reason=reason,
        )


def _limits() -> None:
    for segment in Segment.objects.filter(rank__in=LIMITS):
        manager, lead = LIMITS[segment.rank]
        for role, amount in ((Role.ACCOUNT_MANAGER, manager), (Role.OPERATIONS_LEAD, lead)):
            GoodwillLimit.objects.get_or_create(role=role.value, segment=segment, defaults={"amount": amount})


@seeding.register(name="incidents: goodwill limits, one resolved, one open", order=80)
def seed_incidents() -> str:
    oscar = User.objects.filter(username="ops.oscar").first()
    emea = Region.objects.filter(code="EMEA").first()
    if oscar is None or emea is None:
        return "no ops.oscar or EMEA to declare incidents"
    _limits()
    now = timezone.now()
    made = 0
    known = set(Incident.objects.filter(title__in=[STRIKE, OUTAGE]).values_list("title", flat=True))
    for title, seed in ((STRIKE, _strike), (OUTAGE, _outage)):
        if title not in known:
            seed(oscar, emea, now)
            made += 1
    strike = Incident.objects.filter(title=STRIKE, status=Incident.Status.RESOLVED).first()
    if strike is not None:  # seeded before the post-mortem existed
        _post_mortem(strike, oscar)
    return f"{made} incidents declared" if made else "incidents already seeded"


# --- messages (issue 19, item 3): templates per tier for the demo incidents' kinds, one message recorded ------

WORDS = {
    # kind → (subject, body); the top tier's are personal (a call first), the others standard.
    Incident.Kind.DELAY: (
        "Your deliveries: {incident_title}",
        "Dear {customer_name},\n\nSince {incident_started_at} a carrier strike has held parcels at our hubs "
        "(status: {incident_status}). Your orders travel by our backup courier first.\n\n"
        "What we offer for the trouble: {goodwill_offered}.\n\nYour {tier} commitments stand: a first response "
        "within {sla_first_response}, a resolution within {sla_resolution}.\n\n{account_manager}",
    ),
    Incident.Kind.OUTAGE: (
        "{incident_title}: what it means for your orders",
        "Dear {customer_name},\n\nOur warehouse system has been down since {incident_started_at} "
        "(status: {incident_status}); same-day orders are picked from printed lists.\n\n"
        "Goodwill for you: {goodwill_offered}.\n\nAs a {tier} customer you hear from us first, within "
        "{sla_first_response}; we aim to resolve within {sla_resolution}.\n\n{account_manager}",
    ),
}


def _templates(oscar) -> int:
    before = MessageTemplate.objects.count()
    for segment in Segment.objects.order_by("rank"):
        for kind, (subject, body) in WORDS.items():
            if not MessageTemplate.objects.filter(segment=segment, kind=kind).exists():
                message_templates.save_version(
                    actor=oscar, segment=segment, kind=kind, subject=subject, body=body
                )
    return MessageTemplate.objects.count() - before


def _message() -> int:
    strike = Incident.objects.filter(title=STRIKE).first()
    customer = (
        Customer.objects.filter(account_manager__username="am.alice", segment__rank=1, region__code="EMEA")
        .order_by("name")
        .first()
    )
    if strike is None or customer is None or IncidentMessage.objects.filter(incident=strike).exists():
        return 0
    message_services.record(
        incident=strike,
        actor=customer.account_manager,
        customer_id=customer.pk,
        channel="phone",
        sent_at=strike.started_at + datetime.timedelta(hours=8),
    )
    return 1


@seeding.register(name="incidents: message templates per tier, a message recorded", order=81)
def seed_messages() -> str:
    oscar = User.objects.filter(username="ops.oscar").first()
    if oscar is None:
        return "no ops.oscar to write the templates"
    templates, sent = _templates(oscar), _message()
    return (
        f"{templates} message templates, {sent} message recorded"
        if templates or sent
        else "messages already seeded"
    )
