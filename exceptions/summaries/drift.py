"""Drift per process summarised: the queries that fill `DriftFigure` and `CustomerFigure` (part of the
exceptions summaries' refresh, refresh.py), and the panel's figures read from them — the same rows as
`selectors_dashboard_cost.drift` computes live, as of the refresh.

"Then" (the share on the period's first day) depends on the period: the refresh stores it for the first day
of each preset period (30 days, 90 days, 12 months, year to date) as of its own day; a custom period, or a
preset after midnight before the next refresh, is computed live (`covers`).
"""

import datetime as dt

from django.db.models import Count, DateField, F, Q, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone

from exceptions.models import ExceptionRequest
from exceptions.selectors_dashboard_cost import in_force_on, percent
from exceptions.summaries.models import CustomerFigure, DriftFigure
from intimacy_ops.dashboard.filters import PERIODS, period_start
from intimacy_ops.dashboard.summary_tables import SummaryTable
from segments.models import Customer

Status = ExceptionRequest.Status


def preset_starts(today: dt.date) -> set[dt.date]:
    return {period_start(period, today) for period, _ in PERIODS}


def _holding(where: Q, on: dt.date | None, *, count_active: bool):
    return (
        ExceptionRequest.objects.filter(where)
        .order_by()
        .values(r=F("customer__region_id"), s=F("customer__segment_id"), p=F("process_id"))
        .annotate(
            o=Cast(Value(on, output_field=DateField()), DateField()),  # typed: NULL or a date, not text
            c=Count("customer", distinct=True),
            n=Count("id") if count_active else Value(0),
        )
    )


def _queries():
    today = timezone.localdate()
    now = (lambda: _holding(Q(status=Status.ACTIVE), None, count_active=True),)
    then = tuple(
        (lambda day=day: _holding(in_force_on(day), day, count_active=False))
        for day in sorted(preset_starts(today))
    )
    return now + then


def _customers():
    return Customer.objects.order_by().values(r=F("region_id"), s=F("segment_id")).annotate(n=Count("id"))


def tables() -> tuple[SummaryTable, ...]:
    return (
        SummaryTable(
            DriftFigure,
            ["on", "region_id", "segment_id", "process_id", "customers", "active"],
            ["o", "r", "s", "p", "c", "n"],
            _queries(),
        ),
        SummaryTable(
            CustomerFigure, ["region_id", "segment_id", "customers"], ["r", "s", "n"], (_customers,)
        ),
    )


# --- the panel's figures -------------------------------------------------------------------------------


def covers(filters, as_of: dt.datetime) -> bool:
    """Whether the summary holds the period's first day ("then"): a preset's, refreshed today."""
    today = timezone.localdate()
    return timezone.localtime(as_of).date() == today and filters.since in preset_starts(today)


def _rows(model, filters):
    rows = model.objects.filter(region_id__in=filters.regions).order_by()
    if filters.segment is not None:
        rows = rows.filter(segment_id=filters.segment)
    return rows


def drift(filters) -> tuple[int, list[dict]]:
    """(customers in scope, rows) as `selectors_dashboard_cost.drift`. Two grouped queries."""
    total = _rows(CustomerFigure, filters).aggregate(n=Sum("customers"))["n"] or 0
    figures = _rows(DriftFigure, filters).filter(Q(on__isnull=True) | Q(on=filters.since))
    if filters.process is not None:
        figures = figures.filter(process_id=filters.process)
    grouped = figures.values(ref=F("process_id"), name=F("process__name")).annotate(
        active=Sum("active", filter=Q(on__isnull=True), default=0),
        customers_now=Sum("customers", filter=Q(on__isnull=True), default=0),
        customers_then=Sum("customers", filter=Q(on=filters.since), default=0),
    )
    rows = sorted(grouped, key=lambda row: (-row["customers_now"], row["name"]))
    for row in rows:
        row["drift_now"] = percent(row["customers_now"], total)
        row["drift_then"] = percent(row["customers_then"], total)
        row["change"] = row["drift_now"] - row["drift_then"]
    return total, rows
