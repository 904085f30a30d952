"""Reads for the segments pages: scoped by `access`, joined up front, one query per table whatever its length.

The API's reads live in `segments/selectors.py`; these shape what a page shows (due times in words,
SLA status pills, filter choices, the tier overview).
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role
from segments.case_rows import DUE_SOON, case_row, human_minutes
from segments.models import (
    Customer,
    Priority,
    Segment,
    SegmentChange,
    ServiceCase,
    SlaPolicy,
    WaitingInterval,
)

HISTORY_SHOWN = 50


# --- permissions the pages ask about (answered by the access policy) -----------------------------


def may_manage_tiers(user) -> bool:
    """Whether the user changes thresholds and SLA policies (the tiers are global reference data)."""
    segment = Segment.objects.order_by("rank").first()
    return bool(segment and access.allowed(user, "change_thresholds", segment))


def may_change_policy(user, segment: Segment, priority: str) -> bool:
    policy = SlaPolicy.objects.filter(segment=segment, priority=priority).first()
    if policy is not None:
        return bool(access.allowed(user, "change", policy))
    return bool(access.allowed(user, "change_thresholds", segment))


# --- customers --------------------------------------------------------------------------------------

CUSTOMER_SORTS = {
    "name": ("name", "id"),
    "segment": ("segment__rank", "name", "id"),
    "region": ("region__code", "name", "id"),
    "manager": ("account_manager__username", "name", "id"),
    "revenue": ("annual_revenue", "name", "id"),
    "strategic": ("strategic_value", "name", "id"),
    "open_cases": ("open_cases", "name", "id"),
}


def _open_wait():
    return WaitingInterval.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)


def late_now(now: datetime.datetime) -> Q:
    """Cases breached, or past a due time the periodic sweep has not flagged yet."""
    return (
        Q(breached=True)
        | Q(first_response_at__isnull=True, response_due_at__lt=now)
        | Q(resolved_at__isnull=True, resolution_due_at__lt=now)
    )


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
        .annotate(waiting_now=Exists(_open_wait()))
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


# --- service cases ------------------------------------------------------------------------------------

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
            waiting_now=Exists(_open_wait()),
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


def case_counts(user) -> dict:
    """The headline figures above the case list, in one query."""
    now = timezone.now()
    open_q = Q(resolved_at__isnull=True)
    return access.visible(user, ServiceCase).aggregate(
        open_count=Count("id", filter=open_q),
        breached_count=Count("id", filter=open_q & late_now(now)),
        within_count=Count("id", filter=open_q & ~late_now(now)),
        waiting_count=Count("id", filter=open_q & Exists(_open_wait())),
        due_soon_count=Count(
            "id",
            filter=open_q
            & ~late_now(now)
            & (
                Q(first_response_at__isnull=True, response_due_at__lte=now + DUE_SOON)
                | Q(resolution_due_at__lte=now + DUE_SOON)
            ),
        ),
    )


# --- tiers and SLA policies ---------------------------------------------------------------------------


def tiers(user) -> list[Segment]:
    """Every tier in rank order with its customer counts: in total (what capacity is measured against),
    in the user's regions, and locked by hand."""
    visible_ids = access.visible(user, Customer).values("id")
    return list(
        Segment.objects.order_by("rank").annotate(
            total=Count("customers", distinct=True),
            in_my_regions=Count("customers", filter=Q(customers__in=visible_ids), distinct=True),
            locked=Count("customers", filter=Q(customers__segment_locked=True), distinct=True),
        )
    )


def unclassified_count() -> int:
    return Customer.objects.filter(segment__isnull=True).count()


@dataclass(frozen=True)
class PolicyCell:
    segment: Segment
    priority: str
    policy: SlaPolicy | None

    @property
    def first_response(self) -> str:
        return human_minutes(self.policy.first_response_minutes) if self.policy else "—"

    @property
    def resolution(self) -> str:
        return human_minutes(self.policy.resolution_minutes) if self.policy else "—"

    @property
    def update_interval(self) -> str:
        return human_minutes(self.policy.update_interval_minutes) if self.policy else "—"


def sla_matrix() -> list[dict]:
    """Segments × P1–P4: one row per tier, one cell per priority (None where no policy is set)."""
    segments = Segment.objects.order_by("rank").prefetch_related(
        Prefetch("sla_policies", queryset=SlaPolicy.objects.order_by("priority"))
    )
    rows = []
    for segment in segments:
        by_priority = {policy.priority: policy for policy in segment.sla_policies.all()}
        rows.append(
            {
                "segment": segment,
                "cells": [
                    PolicyCell(segment, priority, by_priority.get(priority)) for priority in Priority.values
                ],
            }
        )
    return rows


def same_priority_policies(priority: str) -> list[SlaPolicy]:
    """The policies of one priority across tiers, to compare against while editing one of them."""
    return list(
        SlaPolicy.objects.filter(priority=priority).select_related("segment").order_by("segment__rank")
    )


def escalation_roles() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role]
