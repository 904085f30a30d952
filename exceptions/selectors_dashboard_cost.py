"""The exceptions app's cost and drift figures for the dashboard: estimated against actual cost per month and
process, drift per process, customers whose exceptions cost more than a share of their revenue. Aggregate
queries only (one conditional sum per month, `COUNT(DISTINCT …) FILTER`), never a loop over rows."""

import datetime as dt
from decimal import Decimal

from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, TruncMonth

from exceptions.models import CostEntry
from exceptions.selectors_dashboard import MONEY, WERE_ACTIVE, ZERO, Status, month_key, months, scoped
from intimacy_ops import access
from segments.models import Customer

MOST_CUSTOMERS = 50


def in_force_on(day: dt.date) -> Q:
    """A request in force on `day`: started, not yet expired, and active then (active now, or ended later)."""
    return (
        Q(status__in=WERE_ACTIVE, starts_on__lte=day)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        & (Q(status=Status.ACTIVE) | Q(status_changed_at__date__gte=day))
    )


def in_force_during(first: dt.date | None, last: dt.date | None) -> Q:
    """A request in force on some day from `first` to `last` (either end may be open): the estimated cost's
    requests, and the exceptions list's `in_force_after`/`in_force_before`."""
    where = Q(status__in=WERE_ACTIVE)
    if last is not None:
        where &= Q(starts_on__lte=last)
    if first is not None:
        where &= (Q(expires_on__isnull=True) | Q(expires_on__gte=first)) & (
            Q(status=Status.ACTIVE) | Q(status_changed_at__date__gte=first)
        )
    return where


def cost_over_time(user, filters) -> list[dict]:
    """Per month and process: the estimated cost of the requests in force that month (their monthly cost,
    and their one-off cost in the month they start) against the actual cost booked that month; with the
    requests in force (`in_force`) and the requests with a cost booked (`booked`) that month, the counts
    of the exceptions lists the two amounts drill down to."""
    periods = months(filters.since, filters.until)
    requests = scoped(user, filters)
    sums = {}
    for index, (first, last) in enumerate(periods):
        sums[f"m{index}"] = Coalesce(
            Sum("estimated_monthly_cost", filter=in_force_during(first, last)), ZERO
        ) + Coalesce(
            Sum("estimated_one_off_cost", filter=Q(status__in=WERE_ACTIVE, starts_on__range=(first, last))),
            ZERO,
        )
        sums[f"n{index}"] = Count("id", filter=in_force_during(first, last))
    estimated = (
        requests.filter(status__in=WERE_ACTIVE, starts_on__lte=filters.until)
        .values(ref=F("process_id"), name=F("process__name"))
        .annotate(**sums)
    )
    actual = (
        CostEntry.objects.filter(
            exception__in=requests.values("pk"),
            incurred_on__gte=filters.since,
            incurred_on__lte=filters.until,
        )
        .order_by()
        .annotate(month=TruncMonth("incurred_on"))
        .values("month", ref=F("exception__process_id"), name=F("exception__process__name"))
        .annotate(total=Sum("amount"), booked=Count("exception", distinct=True))
    )
    return cost_rows(periods, estimated, actual)


def cost_rows(periods, estimated, actual) -> list[dict]:
    cells: dict[tuple, dict] = {}
    names: dict[int, str] = {}
    bounds = {first.replace(day=1): (first, last) for first, last in periods}

    def cell(key):
        return cells.setdefault(
            key, {"estimated": Decimal("0"), "in_force": 0, "actual": Decimal("0"), "booked": 0}
        )

    for row in estimated:
        names[row["ref"]] = row["name"]
        for index, (first, _) in enumerate(periods):
            cell((first.replace(day=1), row["ref"])).update(
                estimated=row[f"m{index}"], in_force=row[f"n{index}"]
            )
    for row in actual:
        names[row["ref"]] = row["name"]
        cell((month_key(row["month"]), row["ref"])).update(actual=row["total"], booked=row["booked"])
    rows = []
    for (month, ref), figures in sorted(cells.items(), key=lambda item: (item[0][0], names[item[0][1]])):
        if not figures["estimated"] and not figures["actual"]:
            continue
        first, last = bounds[month]
        rows.append(
            {
                "month": month.strftime("%Y-%m"),
                "first": first,
                "last": last,
                "process": names[ref],
                "ref": ref,
                **figures,
                "difference": figures["actual"] - figures["estimated"],
            }
        )
    return rows


def customers_in_scope(user, filters):
    customers = access.visible(user, Customer).filter(region_id__in=filters.regions)
    if filters.segment is not None:
        customers = customers.filter(segment_id=filters.segment)
    return customers.order_by()


def drift(user, filters) -> tuple[int, list[dict]]:
    """(customers in scope, rows): per process, the customers holding an active request against it now and
    on the first day of the period, as counts and as shares of the customers in scope."""
    total = customers_in_scope(user, filters).count()
    now = Q(status=Status.ACTIVE)
    then = in_force_on(filters.since)
    rows = list(
        scoped(user, filters)
        .filter(now | then)
        .values(ref=F("process_id"), name=F("process__name"))
        .annotate(
            active=Count("id", filter=now),
            customers_now=Count("customer", filter=now, distinct=True),
            customers_then=Count("customer", filter=then, distinct=True),
        )
        .order_by("-customers_now", "name")
    )
    for row in rows:
        row["drift_now"] = percent(row["customers_now"], total)
        row["drift_then"] = percent(row["customers_then"], total)
        row["change"] = row["drift_now"] - row["drift_then"]
    return total, rows


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal("0.0")


def cost_over_revenue(user, filters) -> list[dict]:
    """Customers whose active requests' yearly cost (12 × estimated monthly cost + one-off costs) exceeds
    `filters.share` of their annual revenue, the highest share first (at most 50)."""
    yearly = ExpressionWrapper(
        Coalesce(Sum("estimated_monthly_cost"), ZERO) * 12 + Coalesce(Sum("estimated_one_off_cost"), ZERO),
        output_field=MONEY,
    )
    revenue = F("customer__annual_revenue")
    share_of_revenue = Case(
        # In floating point: SQLite's integral NUMERIC values divide as integers (9,400 × 100 / 100,000 = 9).
        When(
            customer__annual_revenue__gt=0,
            then=ExpressionWrapper(
                F("yearly_cost") * 100 / Cast(revenue, FloatField()), output_field=FloatField()
            ),
        ),
        default=Value(None),
        output_field=FloatField(),
    )
    return list(
        scoped(user, filters)
        .filter(status=Status.ACTIVE)
        .values(
            ref=F("customer_id"),
            name=F("customer__name"),
            region=F("customer__region__code"),
            segment=F("customer__segment__name"),
            revenue=revenue,
        )
        .annotate(active=Count("id"), yearly_cost=yearly)
        .filter(yearly_cost__gt=revenue * filters.share)
        .annotate(share_percent=share_of_revenue)
        .order_by(F("share_percent").desc(nulls_first=True), "-yearly_cost", "name")[:MOST_CUSTOMERS]
    )
