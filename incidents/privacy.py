"""What incidents declare to the privacy part (found by `intimacy_ops.discovery`, like admin.py).

Incidents, their timelines and affected-customer rows hold no free text about a customer (a title, a
description and updates are about the disruption). A goodwill's `reason` is free text about its customer: it
goes into the customer's subject export (section `goodwill`) with the rest of what was given.
"""

from incidents.models import Goodwill
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
