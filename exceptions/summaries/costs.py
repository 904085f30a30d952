"""Estimated against actual cost summarised: the queries that fill `CostMonthFigure` (part of the exceptions
summaries' refresh, refresh.py) and the panel's rows read from it — the same rows as
`selectors_dashboard_cost.cost_over_time` computes live, as of the refresh.

The table holds the 12 calendar months up to the refresh's day, the current one up to that day: a period
that starts on a month's first day among them and ends today (the 12-month and year-to-date presets) reads
it (`covers`); any other (30 or 90 days, a period of one's own) is computed live.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DateField, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from exceptions.models import CostEntry, ExceptionRequest
from exceptions.selectors_dashboard import MONEY, WERE_ACTIVE, ZERO, months
from exceptions.selectors_dashboard_cost import cost_rows, in_force_during
from exceptions.summaries.models import CostMonthFigure
from intimacy_ops.dashboard.filters import period_start
from intimacy_ops.dashboard.summary_tables import SummaryTable

COLUMNS = ["month", "region_id", "segment_id", "process_id", "estimated", "in_force", "actual", "booked"]


def _month(first: dt.date):
    return Cast(Value(first, output_field=DateField()), DateField())


def _estimated(first: dt.date, last: dt.date):
    return (
        ExceptionRequest.objects.filter(status__in=WERE_ACTIVE, starts_on__lte=last)
        .order_by()
        .values(r=F("customer__region_id"), s=F("customer__segment_id"), p=F("process_id"))
        .annotate(
            m=_month(first),
            e=Coalesce(Sum("estimated_monthly_cost", filter=in_force_during(first, last)), ZERO)
            + Coalesce(Sum("estimated_one_off_cost", filter=Q(starts_on__range=(first, last))), ZERO),
            n=Count("id", filter=in_force_during(first, last)),
            a=Value(Decimal("0"), output_field=MONEY),
            b=Value(0),
        )
    )


def _actual(first: dt.date, last: dt.date):
    return (
        CostEntry.objects.filter(incurred_on__gte=first, incurred_on__lte=last)
        .exclude(exception__status=ExceptionRequest.Status.DRAFT)
        .order_by()
        .values(
            r=F("exception__customer__region_id"),
            s=F("exception__customer__segment_id"),
            p=F("exception__process_id"),
        )
        .annotate(
            m=_month(first),
            e=Value(Decimal("0"), output_field=MONEY),
            n=Value(0),
            a=Cast(Sum("amount"), DecimalField(max_digits=16, decimal_places=2)),
            b=Count("exception", distinct=True),
        )
    )


def _periods(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    return months(period_start("12m", today), today)


def tables() -> tuple[SummaryTable, ...]:
    queries = []
    for first, last in _periods(timezone.localdate()):
        queries.append(lambda first=first, last=last: _estimated(first, last))
        queries.append(lambda first=first, last=last: _actual(first, last))
    return (SummaryTable(CostMonthFigure, COLUMNS, ["m", "r", "s", "p", "e", "n", "a", "b"], tuple(queries)),)


# --- the panel's rows ----------------------------------------------------------------------------------


def covers(filters, as_of: dt.datetime) -> bool:
    today = timezone.localdate()
    return (
        timezone.localtime(as_of).date() == today
        and filters.until == today
        and filters.since.day == 1
        and filters.since >= period_start("12m", today)
    )


def cost_over_time(filters) -> list[dict]:
    """The panel's rows from the summary (one grouped query), shaped as the live selector's."""
    rows = CostMonthFigure.objects.filter(
        region_id__in=filters.regions, month__gte=filters.since, month__lte=filters.until
    ).order_by()
    if filters.segment is not None:
        rows = rows.filter(segment_id=filters.segment)
    if filters.process is not None:
        rows = rows.filter(process_id=filters.process)
    grouped = rows.values("month", ref=F("process_id"), name=F("process__name")).annotate(
        estimated=Sum("estimated"), in_force=Sum("in_force"), actual=Sum("actual"), booked=Sum("booked")
    )
    periods = months(filters.since, filters.until)
    index = {first.replace(day=1): number for number, (first, _) in enumerate(periods)}
    estimated: dict[int, dict] = {}
    actual = []
    for row in grouped:
        number = index[row["month"]]
        by_process = estimated.setdefault(row["ref"], {"ref": row["ref"], "name": row["name"]})
        by_process[f"m{number}"], by_process[f"n{number}"] = row["estimated"], row["in_force"]
        if row["actual"] or row["booked"]:
            actual.append(
                {
                    "month": row["month"],
                    "ref": row["ref"],
                    "name": row["name"],
                    "total": row["actual"],
                    "booked": row["booked"],
                }
            )
    for by_process in estimated.values():
        for number in range(len(periods)):
            by_process.setdefault(f"m{number}", Decimal("0"))
            by_process.setdefault(f"n{number}", 0)
    return cost_rows(periods, estimated.values(), actual)
