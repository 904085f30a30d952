"""Reads of service cases, for the API and the pages alike: scoped by `access`, due times and SLA state
in words, filter choices and counts, a fixed number of queries however many rows."""

import datetime

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from intimacy_ops import access
from segments.case_rows import DUE_SOON
from segments.models import (
    Priority,
    ServiceCase,
    WaitingInterval,
)

HISTORY_SHOWN = 50


def open_wait():
    return WaitingInterval.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)


def late_now(now: datetime.datetime) -> Q:
    """Cases breached, or past a due time the periodic sweep has not flagged yet."""
    return (
        Q(breached=True)
        | Q(first_response_at__isnull=True, response_due_at__lt=now)
        | Q(resolved_at__isnull=True, resolution_due_at__lt=now)
    )


def cases_for(user) -> QuerySet[ServiceCase]:
    """The service cases of the customers this user may see; `is_waiting` says whether the clock is paused."""
    open_wait = WaitingInterval.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    return access.visible(
        user,
        ServiceCase.objects.select_related("customer__segment").annotate(is_waiting=Exists(open_wait)),
    )


# --- the cases page -------------------------------------------------------------------------------

CASE_SORTS = {
    "due": ("next_due_at", "opened_at", "id"),
    "opened": ("opened_at", "id"),
    "priority": ("priority", "-opened_at", "id"),
    "customer": ("customer__name", "-opened_at", "id"),
    "queue": ("queue", "-opened_at", "id"),
}


def cases(
    user,
    *,
    q: str = "",
    status: str = "open",
    breached: str = "",
    priority: str = "",
    queue: str = "",
    waiting: str = "",
    customer=None,
    sort: str = "due",
) -> QuerySet:
    """The service cases the user may see (region scoping in SQL), filtered and sorted."""
    now = timezone.now()
    queryset = (
        access.visible(user, ServiceCase)
        .select_related("customer__segment", "customer__region")
        .annotate(
            waiting_now=Exists(open_wait()),
            # The next target a person has to meet: the response until it is given, then the resolution.
            next_due_at=Case(
                When(first_response_at__isnull=True, then=F("response_due_at")),
                When(resolved_at__isnull=True, then=F("resolution_due_at")),
                default=Value(None),
                output_field=DateTimeField(),
            ),
        )
    )
    if q:
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(external_id__icontains=q) | Q(customer__name__icontains=q)
        )
    if status == "open":
        queryset = queryset.filter(resolved_at__isnull=True)
    elif status == "resolved":
        queryset = queryset.filter(resolved_at__isnull=False)
    if breached == "yes":
        queryset = queryset.filter(late_now(now))
    elif breached == "no":
        queryset = queryset.exclude(late_now(now))
    if priority in Priority.values:
        queryset = queryset.filter(priority=priority)
    if queue:
        queryset = queryset.filter(queue=queue)
    if waiting == "yes":
        queryset = queryset.filter(waiting_now=True)
    elif waiting == "no":
        queryset = queryset.filter(waiting_now=False)
    if customer is not None:
        queryset = queryset.filter(customer=customer)
    key, descending = sort.lstrip("-"), sort.startswith("-")
    first, *rest = CASE_SORTS.get(key, CASE_SORTS["due"])
    # Cases without a due time (resolved, or paused) come last either way.
    first = F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True)
    return queryset.order_by(first, *rest)


def case_filter_choices(user) -> dict:
    visible = access.visible(user, ServiceCase)
    return {
        "priorities": Priority.choices,
        "queues": list(visible.order_by("queue").values_list("queue", flat=True).distinct()),
    }


def case_count_figures(now: datetime.datetime) -> dict:
    """The headline figures over open cases as aggregates (the live count below, and the per-region figures'
    refresh, segments/figures, group the same expressions by region)."""
    return {
        "open_count": Count("id"),
        "breached_count": Count("id", filter=late_now(now)),
        "within_count": Count("id", filter=~late_now(now)),
        "waiting_count": Count("id", filter=Exists(open_wait())),
        "due_soon_count": Count(
            "id",
            filter=~late_now(now)
            & (
                Q(first_response_at__isnull=True, response_due_at__lte=now + DUE_SOON)
                | Q(resolution_due_at__lte=now + DUE_SOON)
            ),
        ),
    }


def case_counts(user, now: datetime.datetime | None = None) -> dict:
    """The headline figures above the case list, in one query over the open cases only (a sixth of the
    table; the resolved ones in WHERE would be read and discarded by every figure's FILTER)."""
    open_cases = ServiceCase.objects.filter(resolved_at__isnull=True)
    return access.visible(user, open_cases).aggregate(**case_count_figures(now or timezone.now()))
