"""Demo health reviews (issue 20, item 2): for am.alice's first tier-1 customer, last period's review completed
with one agreed action (and the next date, which sets this period's due date), then the check run once, which
opens this period's reviews of every reviewed tier — hers among them. A second run adds nothing."""

import datetime

from django.utils import timezone

from intimacy_ops import seeding
from intimacy_ops.accounts.models import User
from keyaccounts.health import services
from keyaccounts.health.cadence import months_by_segment, period_of
from keyaccounts.health.opening import open_due_reviews
from keyaccounts.models import HealthReview
from segments.models import Customer, Segment


@seeding.register(name="health reviews: one done with an action, the period's opened", order=76)
def seed_health_reviews() -> str:
    alice = User.objects.filter(username="am.alice").first()
    tier_one = Segment.objects.order_by("rank", "pk").first()
    customer = (
        Customer.objects.filter(account_manager=alice, segment=tier_one).order_by("pk").first()
        if alice and tier_one
        else None
    )
    if customer is None:
        return "no tier-1 customer of am.alice: no health review"
    today = timezone.localdate()
    months = months_by_segment().get(tier_one.pk) or 3
    current = period_of(today, months)
    previous = period_of(current.starts_on - datetime.timedelta(days=1), months)
    done, _ = HealthReview.objects.get_or_create(
        customer=customer,
        period=previous.label,
        defaults={
            "period_starts_on": previous.starts_on,
            "period_ends_on": previous.ends_on,
            "due_on": previous.ends_on,
            "account_manager": alice,
            "opened_at": timezone.make_aware(datetime.datetime.combine(previous.starts_on, datetime.time(6))),
        },
    )
    if done.status == HealthReview.Status.OPEN:
        services.complete(
            review=done,
            actor=alice,
            notes="Reviewed the period with their operations director: response times recovered after the "
            "September peak; they want a monthly SLA report and a named contact for Saturday deliveries.",
            next_on=max(today + datetime.timedelta(days=7), current.ends_on - datetime.timedelta(days=10)),
            actions=[
                services.AgreedAction(
                    "Send the monthly SLA report to their operations director",
                    alice,
                    today + datetime.timedelta(days=14),
                )
            ],
        )
    opened = open_due_reviews(today=today)
    return f"{customer.name}: {previous.label} completed, {current.label} due; the check: {opened}"
