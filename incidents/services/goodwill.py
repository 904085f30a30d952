"""Goodwill within delegated authority (issue 19, item 4): a credit or an expedited service to an affected
customer, with amount, reason and who gave it.

Within the giver's limit for the customer's tier (the highest of their roles' `GoodwillLimit`, administrators
set them; what this customer already received in this incident counts) it is recorded at once, no approval.
Above it, it becomes an exception request on the incident's first process, `one_off` with the amount as its
one-off cost, created and submitted through the exceptions app's services as the account manager's own, so it
is routed by the region's thresholds like any other (a lead or the board). A customer that is not affected, or
not one the giver sees, is a 400 naming `customer`; goodwill after the incident is reviewed or cancelled a 409.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from exceptions.services import lifecycle as exception_lifecycle
from exceptions.services import requests as exception_requests
from incidents.access_rules import goodwill_limit
from incidents.lifecycles import ACTIVE
from incidents.models import AffectedCustomer, Goodwill, Incident
from intimacy_ops import access, audit, errors, lifecycle

GIVING = ACTIVE | {Incident.Status.RESOLVED}
EXCEPTION_DAYS = 30


def money(amount: Decimal) -> str:
    return f"{amount:,.2f} {settings.CURRENCY}"


def _as_exception(
    incident: Incident, actor, customer, kind: str, amount: Decimal, reason: str, limit: Decimal
):
    process = incident.processes.order_by("name").first()
    if process is None:
        raise errors.ValidationFailed(
            {
                "amount": [
                    f"Above your limit of {money(limit)}, and the incident names no process to ask an exception of."
                ]
            }
        )
    today = timezone.localdate()
    label = Goodwill.Kind(kind).label.lower()
    exception = exception_requests.create_request(
        actor=actor,
        customer=customer,
        process=process,
        title=f"Goodwill after incident #{incident.pk}: {label} of {money(amount)}",
        deviation=f"A {label} of {money(amount)} to {customer.name} after “{incident.title}”, above the "
        f"{money(limit)} the giver may grant alone.",
        justification=reason,
        kind="one_off",
        estimated_one_off_cost=amount,
        starts_on=today,
        expires_on=today + datetime.timedelta(days=EXCEPTION_DAYS),
    )
    return exception_lifecycle.submit_request(
        exception=exception, actor=actor, comment=f"Goodwill above the limit (incident #{incident.pk})."
    )


def give(*, incident: Incident, actor, customer_id: int, kind: str, amount: Decimal, reason: str) -> Goodwill:
    """Give goodwill to one of the incident's affected customers: recorded within the limit, else requested."""
    access.require(actor, "give_goodwill", incident)
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationFailed(
            {"reason": ["Say why: the customer's history, what the incident cost them."]}
        )
    if amount is None or amount <= 0:
        raise errors.ValidationFailed({"amount": ["Give a positive amount."]})
    with transaction.atomic():
        incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
        lifecycle.require_state(incident, "give goodwill in", GIVING)
        affected = (
            access.visible(actor, AffectedCustomer)
            .filter(incident=incident, customer_id=customer_id)
            .select_related("customer__segment", "customer__region")
            .first()
        )
        if affected is None:
            raise errors.ValidationFailed(
                {"customer": ["Name one of this incident's affected customers that you see."]}
            )
        customer = affected.customer
        limit = goodwill_limit(actor, customer.segment_id)
        given = Goodwill.objects.filter(
            incident=incident, customer=customer, status=Goodwill.Status.RECORDED
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        within = given + amount <= limit
        exception = None if within else _as_exception(incident, actor, customer, kind, amount, reason, limit)
        goodwill = Goodwill.objects.create(
            incident=incident,
            customer=customer,
            kind=kind,
            amount=amount,
            reason=reason,
            status=Goodwill.Status.RECORDED if within else Goodwill.Status.REQUESTED,
            limit=limit,
            exception=exception,
            given_by=actor,
            given_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            verb="incident.goodwill_recorded" if within else "incident.goodwill_requested",
            obj=incident,
            after={
                "goodwill": goodwill.pk,
                "customer": customer.pk,
                "kind": kind,
                "amount": str(amount),
                "limit": str(limit),
                "exception": exception.pk if exception else None,
            },
        )
    return goodwill
