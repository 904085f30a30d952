"""What incidents declare to the privacy part (found by `intimacy_ops.discovery`, like admin.py).

Incidents, their timelines and affected-customer rows hold no free text about a customer (a title, a
description and updates are about the disruption). A goodwill's `reason` is free text about its customer: it
goes into the customer's subject export (section `goodwill`) with the rest of what was given. A message recorded
as sent to a customer (its words, channel, time) is about them too: section `incident_messages`. Message templates
hold no customer data, and a customer's sensitive fields are never placeholders (incidents/placeholders.py).
"""

from incidents.models import Goodwill, IncidentMessage
from privacy import declare
from privacy.services.subject_export import iso
from segments.models import Customer


def goodwill_section(customer: Customer) -> list[dict]:
    rows = Goodwill.objects.filter(customer=customer).select_related("incident", "given_by")
    return [
        {
            "id": goodwill.pk,
            "incident": goodwill.incident_id,
            "incident_title": goodwill.incident.title,
            "kind": goodwill.kind,
            "amount": str(goodwill.amount),
            "reason": goodwill.reason,
            "status": goodwill.status,
            "exception": goodwill.exception_id,
            "given_by": goodwill.given_by.username if goodwill.given_by else None,
            "given_at": iso(goodwill.given_at),
        }
        for goodwill in rows.order_by("given_at", "id")
    ]


declare.export_section(Customer, "goodwill", goodwill_section, audit_model=Goodwill)


def messages_section(customer: Customer) -> list[dict]:
    rows = IncidentMessage.objects.filter(customer=customer).select_related("incident", "sent_by")
    return [
        {
            "id": message.pk,
            "incident": message.incident_id,
            "incident_title": message.incident.title,
            "subject": message.subject,
            "body": message.body,
            "channel": message.channel,
            "sent_at": iso(message.sent_at),
            "sent_by": message.sent_by.username if message.sent_by else None,
        }
        for message in rows.order_by("sent_at", "id")
    ]


declare.export_section(Customer, "incident_messages", messages_section, audit_model=IncidentMessage)
