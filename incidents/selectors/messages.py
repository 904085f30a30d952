"""Messages to an incident's affected customers (issue 19, items 3 and 8): the latest template per tier and
kind, each customer's message rendered with their values, the "customers to contact" queue and the messages
recorded — scoped by `access` (an account manager: their own customers), a constant number of queries per page.

A customer's values: their name, account manager and tier; the incident's title, kind, start and status;
their tier's P1 commitments (segments' `SlaPolicy`); the goodwill they got in this incident. No sensitive field
is ever read into them. Without a template for the tier and kind, the house words below are used.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from incidents import placeholders
from incidents.models import AffectedCustomer, Goodwill, Incident, IncidentMessage, MessageTemplate
from incidents.selectors.affected import affected_for
from intimacy_ops import access
from segments.models import Segment, SlaPolicy

HOUSE_SUBJECT = "{incident_title}: what happened and what we are doing"
HOUSE_BODY = (
    "Dear {customer_name},\n\n"
    "Since {incident_started_at} we have had a problem: {incident_title} (status: {incident_status}). "
    "We are sorry for the trouble it causes you.\n\n"
    "Goodwill for you: {goodwill_offered}.\n\n"
    "Your commitments stand: a first response within {sla_first_response}, a resolution within {sla_resolution}.\n\n"
    "{account_manager}"
)
SLA_PRIORITY = "P1"
NO_SLA = "the time in your agreement"


@dataclass
class Ready:
    """A customer's message, ready to send: the template version used (None: the house words)."""

    subject: str
    body: str
    template: MessageTemplate | None
    personal: bool


def duration(minutes: int, clock: str) -> str:
    hours = " business hours" if clock == SlaPolicy.Clock.BUSINESS_HOURS else " hours"
    if minutes % (24 * 60) == 0 and clock != SlaPolicy.Clock.BUSINESS_HOURS:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days != 1 else ''}"
    if minutes % 60 == 0:
        count = minutes // 60
        return f"{count}{hours[:-1] if count == 1 else hours}"
    return f"{minutes} minutes"


def moment(at) -> str:
    local = timezone.localtime(at)
    return f"{local.day} {local:%B %Y, %H:%M} {local:%Z}"


def _amount(amount: Decimal) -> str:
    return f"{amount:,.2f} {settings.CURRENCY}"


def goodwill_text(rows: list[Goodwill]) -> str:
    parts = []
    for row in sorted(rows, key=lambda g: (g.given_at, g.pk)):
        what = (
            f"a credit of {_amount(row.amount)}"
            if row.kind == Goodwill.Kind.CREDIT
            else (f"an expedited service worth {_amount(row.amount)}")
        )
        parts.append(what + (" (awaiting approval)" if row.status == Goodwill.Status.REQUESTED else ""))
    if not parts:
        return "none so far"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def latest_templates(kind: str, segment_ids) -> dict[int, MessageTemplate]:
    """The latest version per tier for this kind: one query."""
    newest = MessageTemplate.objects.filter(segment_id=OuterRef("segment_id"), kind=kind).order_by("-version")
    rows = MessageTemplate.objects.filter(kind=kind, segment_id__in=set(segment_ids)).filter(
        pk=Subquery(newest.values("pk")[:1])
    )
    return {row.segment_id: row for row in rows}


def compose(incident: Incident, rows: list[AffectedCustomer]) -> dict[int, Ready]:
    """Each affected row's message (customer id → Ready): three queries whatever the number of rows."""
    segment_ids = {row.customer.segment_id for row in rows if row.customer.segment_id}
    templates = latest_templates(incident.kind, segment_ids)
    slas = {
        policy.segment_id: policy
        for policy in SlaPolicy.objects.filter(segment_id__in=segment_ids, priority=SLA_PRIORITY)
    }
    given: dict[int, list[Goodwill]] = {}
    for row in Goodwill.objects.filter(incident=incident, customer_id__in=[r.customer_id for r in rows]):
        given.setdefault(row.customer_id, []).append(row)
    ready = {}
    for row in rows:
        customer = row.customer
        template = templates.get(customer.segment_id)
        sla = slas.get(customer.segment_id)
        manager = customer.account_manager
        values = {
            "customer_name": customer.name,
            "account_manager": manager.display_name if manager else "Your account team",
            "tier": customer.segment.name if customer.segment_id else "—",
            "incident_title": incident.title,
            "incident_kind": incident.get_kind_display().lower(),
            "incident_started_at": moment(incident.started_at),
            "incident_status": incident.get_status_display().lower(),
            "sla_first_response": duration(sla.first_response_minutes, sla.clock) if sla else NO_SLA,
            "sla_resolution": duration(sla.resolution_minutes, sla.clock) if sla else NO_SLA,
            "goodwill_offered": goodwill_text(given.get(customer.pk, [])),
        }
        subject = template.subject if template else HOUSE_SUBJECT
        body = template.body if template else HOUSE_BODY
        personal = (
            template.level == MessageTemplate.Level.PERSONAL
            if template
            else bool(customer.segment_id and customer.segment.rank == 1)
        )
        ready[customer.pk] = Ready(
            subject=placeholders.render(subject, values),
            body=placeholders.render(body, values),
            template=template,
            personal=personal,
        )
    return ready


def to_contact(user, incident: Incident):
    """The affected customers this user contacts and has not messaged yet: top tier first, then by name."""
    sent = IncidentMessage.objects.filter(incident=incident, customer_id=OuterRef("customer_id"))
    return (
        affected_for(user, incident)
        .filter(~Exists(sent))
        .order_by(F("customer__segment__rank").asc(nulls_last=True), "customer__name", "pk")
    )


def contacted_count(user, incident: Incident) -> int:
    return access.visible(user, IncidentMessage).filter(incident=incident).count()


def affected_row(user, incident: Incident, customer_id) -> AffectedCustomer | None:
    """One affected customer the user sees in this incident, with what its message needs; None otherwise."""
    try:
        customer_id = int(customer_id)
    except (TypeError, ValueError):
        return None
    return (
        access.visible(user, AffectedCustomer)
        .filter(incident=incident, customer_id=customer_id)
        .select_related("customer__segment", "customer__account_manager", "customer__region")
        .first()
    )


def messages_for(user, incident: Incident):
    """The messages recorded in this incident to the customers the user sees, newest first."""
    return (
        access.visible(user, IncidentMessage)
        .filter(incident=incident)
        .select_related("customer", "sent_by", "template")
        .order_by("-sent_at", "-pk")
    )


def templates_for(user, *, segment=None, kind: str | None = None, history: bool = False):
    """Message templates: the latest version per tier and kind (or every version with `history`)."""
    rows = access.visible(user, MessageTemplate).select_related("segment", "created_by")
    if segment is not None:
        rows = rows.filter(segment=segment)
    if kind:
        rows = rows.filter(kind=kind)
    if not history:
        newer = MessageTemplate.objects.filter(
            segment_id=OuterRef("segment_id"), kind=OuterRef("kind"), version__gt=OuterRef("version")
        )
        rows = rows.filter(~Exists(newer))
    return rows.order_by("segment__rank", "kind", "-version", "pk")


def tiers() -> list[Segment]:
    return list(Segment.objects.order_by("rank"))
