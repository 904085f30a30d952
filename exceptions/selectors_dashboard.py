"""The exceptions app's dashboard figures (exceptions/dashboard.py draws them): each one or two aggregate
queries over the requests the user may see in the dashboard's regions, segment and process — `COUNT(*)
FILTER (WHERE …)`, month buckets (`date_trunc`), `percentile_cont` on PostgreSQL — never a loop over rows.

Requests past draft only: a draft is nobody's decision yet.
"""

from decimal import Decimal

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    F,
    FloatField,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from exceptions.models import ExceptionRequest
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
        return Avg(*self.get_source_expressions()).as_sql(compiler, connection)


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
