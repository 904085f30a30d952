"""Reads of the segments app: querysets already scoped by `access`, with what their lists show joined in.

Every list built on these runs a fixed number of queries however many rows it shows.
"""

from django.db.models import Exists, OuterRef, QuerySet

from intimacy_ops import access
from segments.models import Customer, Segment, SegmentChange, ServiceCase, SlaPolicy, WaitingInterval


def segments_for(user) -> QuerySet[Segment]:
    """The tiers, in rank order (known to everyone signed in)."""
    return access.visible(user, Segment).order_by("rank")


def customers_for(user) -> QuerySet[Customer]:
    """The customers this user may see, with region, account manager and segment joined."""
    return access.visible(
        user,
        Customer.objects.select_related("region", "account_manager", "segment", "segment_locked_by"),
    )


def sla_policies_for(user) -> QuerySet[SlaPolicy]:
    """SLA policies by segment rank and priority."""
    return access.visible(user, SlaPolicy.objects.select_related("segment")).order_by(
        "segment__rank", "priority"
    )


def cases_for(user) -> QuerySet[ServiceCase]:
    """The service cases of the customers this user may see; `is_waiting` says whether the clock is paused."""
    open_wait = WaitingInterval.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    return access.visible(
        user,
        ServiceCase.objects.select_related("customer__segment").annotate(is_waiting=Exists(open_wait)),
    )


def segment_history(user, customer: Customer) -> QuerySet[SegmentChange]:
    """How a customer's segment changed over time, newest first."""
    return access.visible(
        user,
        SegmentChange.objects.filter(customer=customer).select_related(
            "from_segment", "to_segment", "changed_by"
        ),
    ).order_by("-at", "-id")


def open_cases_of(user, customer: Customer) -> QuerySet[ServiceCase]:
    """A customer's unresolved cases, the soonest due first."""
    return (
        cases_for(user)
        .filter(customer=customer, resolved_at__isnull=True)
        .order_by("resolution_due_at", "opened_at")
    )
