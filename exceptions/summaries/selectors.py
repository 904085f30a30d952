"""The summarised exceptions panels' figures, read from the summary tables (refresh.py fills them): the
same rows as the live selectors (exceptions/selectors_dashboard.py) as of the last refresh, in a few
milliseconds whatever the number of requests.

`as_of(user)` says whether a user's figures may come from them: the tables count every request past draft
of a region, which is what operations leads, board members, auditors and administrators see (the access rule
`read_region_figures`); for anyone whose scope is narrower, or before the first refresh, it answers None and
the panel computes live.
"""

import datetime as dt
import math
from itertools import groupby

from django.db.models import F, Sum
from django.db.models.functions import Coalesce, TruncMonth

from exceptions import selectors_dashboard_cost as cost_figures
from exceptions.models import ExceptionRequest
from exceptions.selectors_dashboard import ZERO, month_key, month_rows, months
from exceptions.selectors_dashboard import active_monthly_cost as live_monthly_cost
from exceptions.summaries import costs as cost_summary
from exceptions.summaries import drift as drift_summary
from exceptions.summaries import revenue as revenue_summary
from exceptions.summaries.models import DecisionTimeFigure, ExceptionDayFigure, ExceptionStatusFigure
from exceptions.summaries.refresh import NAME
from intimacy_ops import access
from intimacy_ops.dashboard import summary_tables as summaries

Status = ExceptionRequest.Status
EVERY_MINUTES = summaries.EVERY_MINUTES  # the check's interval (exceptions/checks.py)


def as_of(user) -> dt.datetime | None:
    if not access.allowed(user, "read_region_figures", ExceptionRequest):
        return None
    return summaries.as_of(NAME)


def _rows(model, filters):
    queryset = model.objects.filter(region_id__in=filters.regions)
    if filters.segment is not None:
        queryset = queryset.filter(segment_id=filters.segment)
    if filters.process is not None:
        queryset = queryset.filter(process_id=filters.process)
    return queryset.order_by()


# The live selectors group by the request's path (`customer__segment`); the summary by its own column.
KEYS = {
    "process": ("process", "process__name"),
    "customer__segment": ("segment", "segment__name"),
    "customer__region": ("region", "region__code"),
}


def active_by(filters, *, key: str) -> list[dict]:
    column, label = KEYS[key]
    return list(
        _rows(ExceptionStatusFigure, filters)
        .filter(status=Status.ACTIVE)
        .values(ref=F(f"{column}_id"), name=F(label))
        .annotate(active=Sum("requests"), monthly_cost=Coalesce(Sum("monthly_cost"), ZERO))
        .order_by("-monthly_cost", "name")
    )


def status_counts(filters) -> dict[str, int]:
    rows = _rows(ExceptionStatusFigure, filters).values("status").annotate(count=Sum("requests"))
    counts = {status: 0 for status in Status.values if status != Status.DRAFT}
    counts.update({row["status"]: row["count"] for row in rows})
    return counts


def active_monthly_cost(filters):
    total = (
        _rows(ExceptionStatusFigure, filters)
        .filter(status=Status.ACTIVE)
        .aggregate(total=Sum("monthly_cost"))
    )
    return total["total"] or ZERO.value


def monthly_cost_now(user, filters):
    """The monthly cost of the exceptions active today: from the summary once refreshed, live before (the
    dashboard's summary key and the operations lead's home card)."""
    if as_of(user):
        return active_monthly_cost(filters)
    return live_monthly_cost(user, filters)


def decisions_per_month(filters) -> list[dict]:
    rows = (
        _rows(ExceptionDayFigure, filters)
        .filter(day__gte=filters.since, day__lte=filters.until)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            new=Sum("created"), approved=Sum("approved"), rejected=Sum("rejected"), withdrawn=Sum("withdrawn")
        )
    )
    return month_rows(filters, {month_key(row["month"]): row for row in rows})


def percentile(buckets: list[tuple[int, int]], fraction: float) -> float:
    """`percentile_cont(fraction)` of the multiset `buckets` ((value, how many), sorted by value)."""
    total = sum(count for _, count in buckets)
    position = fraction * (total - 1)
    below, above = math.floor(position), math.ceil(position)

    def at(rank: int) -> int:
        seen = 0
        for value, count in buckets:
            seen += count
            if rank < seen:
                return value
        return buckets[-1][0]

    low, high = at(below), at(above)
    return low + (high - low) * (position - below)


def time_to_decision(filters) -> list[dict]:
    """Per month and route: decisions, and the median and 90th percentile of their days, from the histogram
    in tenths of a day (grouped by the database: at most months × routes × distinct tenths rows)."""
    rows = (
        _rows(DecisionTimeFigure, filters)
        .filter(day__gte=filters.since, day__lte=filters.until)
        .annotate(month=TruncMonth("day"))
        .values("month", "route", "tenths")
        .annotate(decisions=Sum("decisions"))
        .order_by("month", "route", "tenths")
    )
    periods = dict(months(filters.since, filters.until))
    result = []
    for (month, route), group in groupby(rows, key=lambda row: (month_key(row["month"]), row["route"])):
        buckets = [(row["tenths"], row["decisions"]) for row in group]
        first = max(month, filters.since)
        result.append(
            {
                "month": first.strftime("%Y-%m"),
                "first": first,
                "last": periods.get(first, filters.until),
                "route": route or "none",
                "decisions": sum(count for _, count in buckets),
                "median_days": percentile(buckets, 0.5) / 10,
                "p90_days": percentile(buckets, 0.9) / 10,
            }
        )
    return result


def drift(user, filters) -> tuple[int, list[dict], dt.datetime | None]:
    """Drift per process: (customers in scope, rows, as of) — from the summary when it holds the period's
    first day (a preset's, refreshed today), live otherwise (as of None)."""
    refreshed = as_of(user)
    if refreshed and drift_summary.covers(filters, refreshed):
        return (*drift_summary.drift(filters), refreshed)
    return (*cost_figures.drift(user, filters), None)


def cost_over_time(user, filters) -> tuple[list[dict], dt.datetime | None]:
    """Estimated against actual cost: (rows, as of) — from the summary for a period of whole months up to
    today among the 12 it holds (refreshed today), live otherwise (as of None)."""
    refreshed = as_of(user)
    if refreshed and cost_summary.covers(filters, refreshed):
        return cost_summary.cost_over_time(filters), refreshed
    return cost_figures.cost_over_time(user, filters), None


def cost_over_revenue(user, filters) -> tuple[list[dict], dt.datetime | None]:
    """Customers costing more than a share of their revenue: (rows, as of) — from the summary unless a
    process is chosen (the table has none), live otherwise (as of None)."""
    refreshed = as_of(user)
    if refreshed and revenue_summary.covers(filters):
        return revenue_summary.cost_over_revenue(filters), refreshed
    return cost_figures.cost_over_revenue(user, filters), None
