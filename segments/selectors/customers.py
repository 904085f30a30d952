"""Reads of customers, for the API and the pages alike: scoped by `access`, what their lists show joined
in, a fixed number of queries however many rows."""

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.escalations import about
from intimacy_ops.pagination import capped_counts
from segments.case_rows import case_row
from segments.models import (
    Customer,
    Segment,
    SegmentChange,
    ServiceCase,
)
from segments.selectors.cases import open_wait

HISTORY_SHOWN = 50
# The customer page's history: the latest closed cases and escalations about the customer (issue 16).
CLOSED_SHOWN = 10
ESCALATIONS_SHOWN = 10


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
    # Counted per row in a correlated subquery, not by joining and grouping every visible customer's
    # cases: the database counts only for the 25 rows of the page (unless the page sorts by them).
    open_cases = ServiceCase.objects.filter(customer=OuterRef("pk"), resolved_at__isnull=True)
    breached = open_cases.filter(
        Q(breached=True)
        | Q(first_response_at__isnull=True, response_due_at__lt=now)
        | Q(resolution_due_at__lt=now)
    )
    queryset = (
        access.visible(user, Customer)
        .select_related("segment", "region", "account_manager")
        .annotate(open_cases=_count_of(open_cases), breached_cases=_count_of(breached))
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
        # EXISTS per region and per user (an index probe each), not a scan of every visible customer; the
        # regions among those the user sees (the customers' scope is the same), so no probe runs over a
        # region whose customers are all out of scope.
        "regions": list(
            access.visible(user, Region)
            .filter(Exists(visible.filter(region=OuterRef("pk"))))
            .order_by("code")
        ),
        "managers": list(
            User.objects.filter(Exists(visible.filter(account_manager=OuterRef("pk")))).order_by(
                "first_name", "username"
            )
        ),
    }


def _count_of(rows: QuerySet) -> Coalesce:
    counted = rows.order_by().values("customer").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


TAB_COUNT_CAP = 1_000


def customer_counts(user) -> dict:
    """How many customers the user sees, and how many of them they manage (the "my accounts" toggle).

    Badges on two tabs, so capped low (intimacy_ops.pagination): exact up to TAB_COUNT_CAP; a count above it
    reads TAB_COUNT_CAP + 1, which the page shows as "1000+"."""
    visible = access.visible(user, Customer)
    cap = tab_count_cap()
    everyone, mine = capped_counts(visible, visible.filter(account_manager=user), cap=cap)
    return {"everyone": everyone, "mine": mine}


def tab_count_cap() -> int:
    return min(TAB_COUNT_CAP, settings.LIST_COUNT_CAP)


def customer_detail(user, pk) -> dict:
    """One customer (404 outside the user's scope), their segment history, the SLA state of open cases, and
    their history: the latest closed cases and the escalations about them the user may see."""
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
    closed_cases = ServiceCase.objects.filter(customer=customer, resolved_at__isnull=False).order_by(
        "-resolved_at", "-id"
    )
    escalations = about.about_customer(user, customer.pk)
    return {
        "customer": customer,
        "closed_cases": list(closed_cases[:CLOSED_SHOWN]),
        "escalations": list(escalations[:ESCALATIONS_SHOWN]),
        "escalations_total": escalations.count(),
        "open_cases": [case_row(case, now=now) for case in open_cases],
        "history": list(history[:HISTORY_SHOWN]),
        "history_total": history.count(),
        "case_totals": case_totals,
        "segments": list(Segment.objects.order_by("rank")),
        "may_lock": bool(access.allowed(user, "lock_segment", customer)),
    }
