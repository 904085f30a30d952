"""A health review's facts: what happened to the customer in the review's period (issue 20, item 2).

Computed on the page while the review is open (the period so far, to today), frozen into the review when it is
completed (`HealthReview.facts`, as of the completion): a completed review shows what was discussed, not what the
data says later. Each figure comes from the app that owns it, one or two aggregate queries each, scoped by
what the reader may see — 7 queries whatever the customer holds:
- SLA compliance, cases and breaches: `segments.selectors.sla_compliance.customer_period`;
- exceptions active and their monthly cost: `exceptions.selectors.in_force_for_customer`;
- feedback (items, NPS, sentiments confirmed by a person): `feedback.selectors.items.customer_period`;
- escalations raised about the customer: `intimacy_ops.escalations.about.about_customer`;
- incidents touching it and the goodwill given: `incidents.selectors.affected.customer_period`.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from exceptions import selectors as exception_selectors
from feedback.selectors import items as feedback_selectors
from incidents.selectors import affected as incident_selectors
from intimacy_ops.escalations import about
from keyaccounts.models import HealthReview
from segments.selectors import sla_compliance


def window(
    review: HealthReview, *, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The days the facts cover: the period, up to today while it runs."""
    today = today or timezone.localdate()
    return review.period_starts_on, max(review.period_starts_on, min(review.period_ends_on, today))


def compute(user, review: HealthReview, *, today: datetime.date | None = None) -> dict:
    """The period's facts as plain JSON-ready values (amounts as strings, dates as ISO)."""
    since, until = window(review, today=today)
    customer = review.customer
    sla = sla_compliance.customer_period(user, customer, since=since, until=until)
    exceptions = exception_selectors.in_force_for_customer(user, customer, since=since, until=until)
    feedback = feedback_selectors.customer_period(user, customer, since=since, until=until)
    escalations = (
        about.about_customer(user, customer.pk)
        .filter(raised_at__date__gte=since, raised_at__date__lte=until)
        .order_by()
        .aggregate(raised=Count("pk"), still_open=Count("pk", filter=Q(resolved_at__isnull=True)))
    )
    incidents = incident_selectors.customer_period(user, customer, since=since, until=until)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "sla": {**sla, "compliance": _number(sla["compliance"])},
        "exceptions": {**exceptions, "monthly_cost": _money(exceptions["monthly_cost"])},
        "feedback": feedback,
        "escalations": escalations,
        "incidents": {**incidents, "credited": _money(incidents["credited"])},
    }


def of(user, review: HealthReview) -> tuple[dict, bool]:
    """(the facts a page shows, whether they are frozen): a completed review's as it was, else computed now."""
    if review.status == HealthReview.Status.COMPLETED and review.facts:
        return review.facts, True
    return compute(user, review), False


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _number(value) -> float | None:
    return None if value is None else float(value)
