"""The exceptions app's dashboard figures (exceptions/dashboard.py draws them): each one or two aggregate
queries over the requests the user may see in the dashboard's regions, segment and process — `COUNT(*)
FILTER (WHERE …)`, month buckets (`date_trunc`), `percentile_cont` on PostgreSQL — never a loop over rows.

Requests past draft only: a draft is nobody's decision yet.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExceptionTransition
from intimacy_ops import access

Status = ExceptionRequest.Status
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)
# Requests that were in force at some time: active now, or active until they ended.
WERE_ACTIVE = (Status.ACTIVE, Status.EXPIRED, Status.SUNSET, Status.STANDARDIZED, Status.REVOKED)
DECISIONS = (Status.APPROVED, Status.REJECTED)


class Percentile(Aggregate):
    """`percentile_cont(p) WITHIN GROUP (ORDER BY expr)` (PostgreSQL); elsewhere the mean stands in."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        expression, condition = self.get_source_expressions()[
            :2
        ]  # an Aggregate's sources end with its filter
        return Avg(expression, filter=condition).as_sql(compiler, connection)


def scoped(user, filters):
    """The requests past draft the user may see, in the filters' regions, segment and process."""
    queryset = (
        access.visible(user, ExceptionRequest)
        .exclude(status=Status.DRAFT)
        .filter(customer__region_id__in=filters.regions)
    )
    if filters.segment is not None:
        queryset = queryset.filter(customer__segment_id=filters.segment)
    if filters.process is not None:
        queryset = queryset.filter(process_id=filters.process)
    return queryset.order_by()


def active_by(user, filters, *, key: str, label: str) -> list[dict]:
    """Active requests and their estimated monthly cost, grouped by `key` (`process`, `customer__segment`,
    `customer__region`), biggest cost first."""
    return list(
        scoped(user, filters)
        .filter(status=Status.ACTIVE)
        .values(ref=F(f"{key}_id"), name=F(label))
        .annotate(active=Count("id"), monthly_cost=Coalesce(Sum("estimated_monthly_cost"), ZERO))
        .order_by("-monthly_cost", "name")
    )


def status_counts(user, filters) -> dict[str, int]:
    rows = scoped(user, filters).values("status").annotate(count=Count("id"))
    counts = {status: 0 for status in Status.values if status != Status.DRAFT}
    counts.update({row["status"]: row["count"] for row in rows})
    return counts


def active_monthly_cost(user, filters) -> Decimal:
    total = scoped(user, filters).filter(status=Status.ACTIVE).aggregate(total=Sum("estimated_monthly_cost"))
    return total["total"] or Decimal("0.00")


# --- month buckets -------------------------------------------------------------------------------------


def months(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months the period touches: (first day, last day) each, clipped to the period."""
    result, start = [], since.replace(day=1)
    while start <= until:
        following = (start + dt.timedelta(days=32)).replace(day=1)
        result.append((max(start, since), min(following - dt.timedelta(days=1), until)))
        start = following
    return result


def during(field: str, since: dt.date, until: dt.date) -> dict:
    """`field__date` from `since` to `until` (in the current time zone) as a range of instants: the same rows,
    and an index on the column serves it (a cast to date serves no index)."""
    zone = timezone.get_current_timezone()
    return {
        f"{field}__gte": dt.datetime.combine(since, dt.time.min, tzinfo=zone),
        f"{field}__lt": dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    }


def month_key(value) -> dt.date:
    return (value.date() if isinstance(value, dt.datetime) else value).replace(day=1)


# --- new / approved / rejected / withdrawn per month ---------------------------------------------------


def decisions_per_month(user, filters) -> list[dict]:
    """Per month of the period: requests created (past draft), and approvals, rejections and withdrawals by
    the date of their transition. Two grouped queries."""
    requests = scoped(user, filters)
    created = (
        requests.filter(**during("created_at", filters.since, filters.until))
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("id"))
    )
    moved = (
        ExceptionTransition.objects.filter(
            exception__in=requests.values("pk"),
            to_status__in=(Status.APPROVED, Status.REJECTED, Status.WITHDRAWN),
            **during("at", filters.since, filters.until),
        )
        .order_by()
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(
            approved=Count("id", filter=Q(to_status=Status.APPROVED)),
            rejected=Count("id", filter=Q(to_status=Status.REJECTED)),
            withdrawn=Count("id", filter=Q(to_status=Status.WITHDRAWN)),
        )
    )
    new_by_month = {month_key(row["month"]): row["count"] for row in created}
    by_month = {month_key(row["month"]): dict(row) for row in moved}
    for month, count in new_by_month.items():
        by_month.setdefault(month, {})["new"] = count
    return month_rows(filters, by_month)


def month_rows(filters, by_month: dict[dt.date, dict]) -> list[dict]:
    """One row per month of the period (months without figures at 0), from `by_month` (month's first day →
    its `new`, `approved`, `rejected`, `withdrawn`)."""
    rows = []
    for first, last in months(filters.since, filters.until):
        counts = by_month.get(first.replace(day=1), {})
        rows.append(
            {
                "month": first.strftime("%Y-%m"),
                "first": first,
                "last": last,
                **{name: counts.get(name) or 0 for name in ("new", "approved", "rejected", "withdrawn")},
            }
        )
    return rows


# --- time to decision ----------------------------------------------------------------------------------


class DaysBetween(Func):
    """Days (fractional) from `start` to `end`, two timestamps."""

    output_field = FloatField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        end, start = (compiler.compile(expression) for expression in self.get_source_expressions())
        return f"(EXTRACT(EPOCH FROM ({end[0]} - {start[0]})) / 86400.0)", [*end[1], *start[1]]

    def as_sql(self, compiler, connection, **extra):  # SQLite and others
        end, start = (compiler.compile(expression) for expression in self.get_source_expressions())
        return f"(julianday({end[0]}) - julianday({start[0]}))", [*end[1], *start[1]]


def time_to_decision(user, filters) -> list[dict]:
    """Per month and route: decisions (approval or rejection) and the median and 90th percentile of the days
    from the request's latest submission before the decision to the decision. One grouped query."""
    submitted = (
        ExceptionTransition.objects.filter(
            exception=OuterRef("exception"), to_status=Status.SUBMITTED, at__lte=OuterRef("at")
        )
        .order_by("-at")
        .values("at")[:1]
    )
    rows = (
        ExceptionTransition.objects.filter(
            exception__in=scoped(user, filters).values("pk"),
            to_status__in=DECISIONS,
            **during("at", filters.since, filters.until),
        )
        .order_by()
        .annotate(month=TruncMonth("at"), days=DaysBetween(F("at"), Subquery(submitted)))
        .filter(days__isnull=False)
        .values("month", route=F("exception__route"))
        .annotate(
            decisions=Count("id"), median_days=Percentile("days", 0.5), p90_days=Percentile("days", 0.9)
        )
        .order_by("month", "route")
    )
    periods = dict(months(filters.since, filters.until))
    result = []
    for row in rows:
        first = max(month_key(row["month"]), filters.since)
        result.append(
            {
                "month": first.strftime("%Y-%m"),
                "first": first,
                "last": periods.get(first, filters.until),
                "route": row["route"] or "none",
                "decisions": row["decisions"],
                "median_days": row["median_days"],
                "p90_days": row["p90_days"],
            }
        )
    return result


# --- expiring soon, sunset dates -----------------------------------------------------------------------

EXPIRY_WINDOW = 30


def expiring(user, filters) -> list[dict]:
    """Per process: active requests expiring within the next 30 days, and active requests with a sunset
    date set by a board. One grouped query."""
    today = timezone.localdate()
    soon = Q(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=EXPIRY_WINDOW))
    return list(
        scoped(user, filters)
        .filter(status=Status.ACTIVE)
        .filter(soon | Q(sunset_on__isnull=False))
        .values(ref=F("process_id"), name=F("process__name"))
        .annotate(
            expiring=Count("id", filter=soon),
            sunset=Count("id", filter=Q(sunset_on__isnull=False)),
            next_expiry=Min("expires_on", filter=soon),
        )
        .order_by("-expiring", "-sunset", "name")
    )
