"""Where a threshold policy's lines are crossed: set-based aggregates over the active exceptions in its scope
(see governance/services/policies.py for what each line means), and which crossed subjects the board already
decided on the same facts."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum

from exceptions.models import ExceptionRequest
from governance.models import Review, ThresholdPolicy

ACTIVE = ExceptionRequest.Status.ACTIVE


@dataclass
class Crossing:
    """One line crossed about one subject: what the review will say and cover."""

    policy: ThresholdPolicy
    kind: str
    subject_key: str
    process_id: int
    lines: list[str]
    exception_ids: list[int]
    deviation_tag: str = ""
    exception_id: int | None = None
    expires_on: datetime.date | None = None


def in_scope(policy: ThresholdPolicy) -> QuerySet:
    queryset = ExceptionRequest.objects.filter(status=ACTIVE)
    if policy.scope == ThresholdPolicy.Scope.PROCESS:
        return queryset.filter(process_id=policy.process_id)
    if policy.scope == ThresholdPolicy.Scope.SEGMENT:
        return queryset.filter(customer__segment_id=policy.segment_id)
    return queryset


def _prefix(policy: ThresholdPolicy) -> str:
    return f"segment:{policy.segment_id}:" if policy.scope == ThresholdPolicy.Scope.SEGMENT else ""


def money(value) -> str:
    return f"{Decimal(value or 0):,.2f}"


def _budget_crossings(policy: ThresholdPolicy, base: QuerySet, today: datetime.date) -> list[Crossing]:
    """Count, cost and age per process: one aggregate query, then one query for the old ones if needed."""
    limits = (policy.max_active_exceptions, policy.max_monthly_cost, policy.max_age_days)
    if all(limit is None for limit in limits):
        return []
    lines = []  # HAVING conditions only: a non-aggregate term would turn the OR into a WHERE
    if policy.max_active_exceptions is not None:
        lines.append(Q(active__gt=policy.max_active_exceptions))
    if policy.max_monthly_cost is not None:
        lines.append(Q(monthly__gt=policy.max_monthly_cost))
    oldest_allowed = None
    if policy.max_age_days is not None:
        oldest_allowed = today - datetime.timedelta(days=policy.max_age_days)
        lines.append(Q(oldest__lt=oldest_allowed))
    crossed = lines[0]
    for line in lines[1:]:
        crossed |= line
    groups = list(
        base.values("process")
        .annotate(active=Count("pk"), monthly=Sum("estimated_monthly_cost"), oldest=Min("starts_on"))
        .filter(crossed)
        .order_by("process")
    )
    if not groups:
        return []
    # Who is covered, per crossing process: one query for all of them.
    covered_rows = base.filter(process__in=[group["process"] for group in groups]).values_list(
        "process", "pk", "starts_on"
    )
    by_process: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for process_id, pk, starts_on in covered_rows.order_by("process", "pk"):
        by_process[process_id].append((pk, starts_on))
    crossings = []
    for group in groups:
        lines = []
        budget_crossed = False
        if policy.max_active_exceptions is not None and group["active"] > policy.max_active_exceptions:
            lines.append(
                f"{group['active']} active exceptions, more than the maximum of {policy.max_active_exceptions}"
            )
            budget_crossed = True
        if policy.max_monthly_cost is not None and group["monthly"] > policy.max_monthly_cost:
            lines.append(
                f"an estimated monthly cost of {money(group['monthly'])}, above the maximum of "
                f"{money(policy.max_monthly_cost)}"
            )
            budget_crossed = True
        rows = by_process[group["process"]]
        old = [pk for pk, starts_on in rows if oldest_allowed is not None and starts_on < oldest_allowed]
        if old:
            age = (today - group["oldest"]).days
            lines.append(
                f"{len(old)} exception{'s' if len(old) != 1 else ''} older than the maximum age of "
                f"{policy.max_age_days} days (the oldest started {age} days ago)"
            )
        crossings.append(
            Crossing(
                policy=policy,
                kind=Review.Kind.SUNSET,
                subject_key=f"{_prefix(policy)}process:{group['process']}",
                process_id=group["process"],
                lines=lines,
                exception_ids=[pk for pk, _ in rows] if budget_crossed else old,
            )
        )
    return crossings


def _similar_crossings(policy: ThresholdPolicy, base: QuerySet) -> list[Crossing]:
    """Distinct customers per (process, deviation tag): one aggregate query, one for who is covered."""
    if policy.min_similar_customers is None:
        return []
    groups = list(
        base.exclude(deviation_tag="")
        .values("process", "deviation_tag")
        .annotate(customers=Count("customer", distinct=True), exceptions=Count("pk"))
        .filter(customers__gte=policy.min_similar_customers)
        .order_by("process", "deviation_tag")
    )
    if not groups:
        return []
    wanted = Q()
    for group in groups:
        wanted |= Q(process_id=group["process"], deviation_tag=group["deviation_tag"])
    by_group: dict[tuple[int, str], list[int]] = defaultdict(list)
    for process_id, tag, pk in (
        base.filter(wanted).values_list("process", "deviation_tag", "pk").order_by("pk")
    ):
        by_group[(process_id, tag)].append(pk)
    return [
        Crossing(
            policy=policy,
            kind=Review.Kind.STANDARDIZATION,
            subject_key=f"{_prefix(policy)}process:{group['process']}:tag:{group['deviation_tag']}",
            process_id=group["process"],
            deviation_tag=group["deviation_tag"],
            lines=[
                f"{group['customers']} customers hold “{group['deviation_tag']}” exceptions "
                f"({group['exceptions']} active), at least the {policy.min_similar_customers} that call for a "
                "standard option"
            ],
            exception_ids=by_group[(group["process"], group["deviation_tag"])],
        )
        for group in groups
    ]


def _expiry_crossings(policy: ThresholdPolicy, base: QuerySet, today: datetime.date) -> list[Crossing]:
    """Active, not permanent, no sunset date yet, expiring within the lead time (not past: the expiry check
    ends those): one query."""
    if policy.sunset_lead_days is None:
        return []
    horizon = today + datetime.timedelta(days=policy.sunset_lead_days)
    rows = (
        base.exclude(kind=ExceptionRequest.Kind.PERMANENT)
        .filter(expires_on__gte=today, expires_on__lte=horizon, sunset_on__isnull=True)
        .values_list("pk", "process", "expires_on")
        .order_by("expires_on", "pk")
    )
    return [
        Crossing(
            policy=policy,
            kind=Review.Kind.SUNSET,
            subject_key=f"exception:{pk}",
            process_id=process_id,
            exception_id=pk,
            expires_on=expires_on,
            lines=[
                f"it expires on {expires_on:%d %B %Y}, within the {policy.sunset_lead_days}-day lead time "
                "for a sunset review"
            ],
            exception_ids=[pk],
        )
        for pk, process_id, expires_on in rows
    ]


def decided_unchanged(policy: ThresholdPolicy, crossings: list[Crossing]) -> set[str]:
    """Subjects the board already decided on the same facts: nothing joined since (and, for one exception, its
    expiry date is the one it was reviewed for). They stay quiet until something changes, not every hour."""
    keys = {crossing.subject_key for crossing in crossings}
    latest: dict[str, tuple[int, dict]] = {}
    decided = Review.objects.filter(policy=policy, status=Review.Status.DECIDED, subject_key__in=keys)
    for key, pk, impact in decided.order_by("subject_key", "-closed_at", "-pk").values_list(
        "subject_key", "pk", "impact"
    ):
        latest.setdefault(key, (pk, impact or {}))
    if not latest:
        return set()
    covered: dict[int, set[int]] = defaultdict(set)
    through = Review.covered.through.objects.filter(review_id__in=[pk for pk, _ in latest.values()])
    for review_id, exception_id in through.values_list("review_id", "exceptionrequest_id"):
        covered[review_id].add(exception_id)
    quiet = set()
    for crossing in crossings:
        if crossing.subject_key not in latest:
            continue
        pk, impact = latest[crossing.subject_key]
        same_expiry = (
            crossing.expires_on is None or impact.get("expires_on") == crossing.expires_on.isoformat()
        )
        if set(crossing.exception_ids) <= covered[pk] and same_expiry:
            quiet.add(crossing.subject_key)
    return quiet


def crossings_of(policy: ThresholdPolicy, today: datetime.date) -> list[Crossing]:
    """Every line of this policy crossed today, per subject: a few aggregate queries, never a loop over exceptions."""
    base = in_scope(policy)
    return [
        *_budget_crossings(policy, base, today),
        *_similar_crossings(policy, base),
        *_expiry_crossings(policy, base, today),
    ]
