"""Reads of customers, for the API and the pages alike: scoped by `access`, what their lists show joined
in, a fixed number of queries however many rows."""

from django.db.models import (
    Count,
    Exists,
    F,
    Q,
    QuerySet,
)
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.accounts.models import Region, User
from segments.case_rows import case_row
from segments.models import (
    Customer,
    Segment,
    SegmentChange,
    ServiceCase,
)
from segments.selectors.cases import open_wait

HISTORY_SHOWN = 50


def customers_for(user) -> QuerySet[Customer]:
    """The customers this user may see, with region, account manager and segment joined."""
    return access.visible(
        user,
        Customer.objects.select_related("region", "account_manager", "segment", "segment_locked_by"),
    )


def segment_history(user, customer: Customer) -> QuerySet[SegmentChange]:
    """How a customer's segment changed over time, newest first."""
    return access.visible(
        user,
        SegmentChange.objects.filter(customer=customer).select_related(
            "from_segment", "to_segment", "changed_by"
        ),
    ).order_by("-at", "-id")


HISTORY_SHOWN = 50

# --- the customers page ----------------------------------------------------------------------------

CUSTOMER_SORTS = {
    "name": ("name", "id"),
    "segment": ("segment__rank", "name", "id"),
    "region": ("region__code", "name", "id"),
    "manager": ("account_manager__username", "name", "id"),
    "revenue": ("annual_revenue", "name", "id"),
    "strategic": ("strategic_value", "name", "id"),
    "open_cases": ("open_cases", "name", "id"),
}


def customers(
    user, *, q: str = "", segment=None, region=None, manager=None, mine: bool = False, sort: str = "name"
) -> QuerySet:
    """The customers the user may see, filtered and sorted, with their open and breached case counts."""
    now = timezone.now()
    open_cases = Q(cases__resolved_at__isnull=True)
    queryset = (
        access.visible(user, Customer)
        .select_related("segment", "region", "account_manager")
        .annotate(
            open_cases=Count("cases", filter=open_cases, distinct=True),
            breached_cases=Count(
                "cases",
                filter=open_cases
                & (
                    Q(cases__breached=True)
                    | Q(cases__first_response_at__isnull=True, cases__response_due_at__lt=now)
                    | Q(cases__resolution_due_at__lt=now)
                ),
                distinct=True,
            ),
        )
    )
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(external_id__icontains=q))
    if segment is not None:
        queryset = queryset.filter(segment=segment)
    if region is not None:
        queryset = queryset.filter(region=region)
    if manager is not None:
        queryset = queryset.filter(account_manager=manager)
    if mine:
        queryset = queryset.filter(account_manager=user)
    key, descending = sort.lstrip("-"), sort.startswith("-")
    order = CUSTOMER_SORTS.get(key, CUSTOMER_SORTS["name"])
    if descending:
        order = (f"-{order[0]}", *order[1:])
    return queryset.order_by(*order)


def customer_filter_choices(user) -> dict:
    """What the customer list's filters offer: only regions and managers the user can see customers of."""
    visible = access.visible(user, Customer)
    return {
        "segments": list(Segment.objects.order_by("rank")),
        "regions": list(Region.objects.filter(pk__in=visible.values("region")).order_by("code")),
        "managers": list(
            User.objects.filter(pk__in=visible.values("account_manager")).order_by("first_name", "username")
        ),
    }


def customer_counts(user) -> dict:
    """How many customers the user sees, and how many of them they manage (the "my accounts" toggle)."""
    return access.visible(user, Customer).aggregate(
        everyone=Count("id"), mine=Count("id", filter=Q(account_manager=user))
    )


def customer_detail(user, pk) -> dict:
    """One customer (404 outside the user's scope), their segment history and the SLA state of open cases."""
    customer = access.get_visible(
        user,
        Customer.objects.select_related("segment", "region", "account_manager", "segment_locked_by"),
        pk=pk,
    )
    now = timezone.now()
    open_cases = (
        ServiceCase.objects.filter(customer=customer, resolved_at__isnull=True)
        .annotate(waiting_now=Exists(open_wait()))
        .order_by(F("resolution_due_at").asc(nulls_last=True), "opened_at", "id")
    )
    history = (
        SegmentChange.objects.filter(customer=customer)
        .select_related("from_segment", "to_segment", "changed_by")
        .order_by("-at", "-id")
    )
    case_totals = ServiceCase.objects.filter(customer=customer).aggregate(
        total=Count("id"), resolved=Count("id", filter=Q(resolved_at__isnull=False))
    )
    return {
        "customer": customer,
        "open_cases": [case_row(case, now=now) for case in open_cases],
        "history": list(history[:HISTORY_SHOWN]),
        "history_total": history.count(),
        "case_totals": case_totals,
        "segments": list(Segment.objects.order_by("rank")),
        "may_lock": bool(access.allowed(user, "lock_segment", customer)),
    }
