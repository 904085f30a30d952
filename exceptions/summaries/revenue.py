"""Customers whose exceptions outrun their revenue, summarised: the query that fills `CustomerCostFigure`
(part of the exceptions summaries' refresh, refresh.py) and the panel's rows read from it — the same rows as
`selectors_dashboard_cost.cost_over_revenue` computes live, as of the refresh (revenue included). The table
has no process: with the process filter the panel computes live (`covers`)."""

from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from exceptions.models import ExceptionRequest
from exceptions.selectors_dashboard import MONEY, ZERO
from exceptions.selectors_dashboard_cost import MOST_CUSTOMERS
from exceptions.summaries.models import CustomerCostFigure
from intimacy_ops.dashboard.summary_tables import SummaryTable


def _yearly():
    return (
        ExceptionRequest.objects.filter(status=ExceptionRequest.Status.ACTIVE)
        .order_by()
        .values(
            c=F("customer_id"),
            r=F("customer__region_id"),
            s=F("customer__segment_id"),
            v=F("customer__annual_revenue"),
        )
        .annotate(
            n=Count("id"),
            y=ExpressionWrapper(
                Coalesce(Sum("estimated_monthly_cost"), ZERO) * 12
                + Coalesce(Sum("estimated_one_off_cost"), ZERO),
                output_field=MONEY,
            ),
        )
    )


def tables() -> tuple[SummaryTable, ...]:
    return (
        SummaryTable(
            CustomerCostFigure,
            ["customer_id", "region_id", "segment_id", "revenue", "active", "yearly_cost"],
            ["c", "r", "s", "v", "n", "y"],
            (_yearly,),
        ),
    )


def covers(filters) -> bool:
    return filters.process is None


def cost_over_revenue(filters) -> list[dict]:
    """The customers above `filters.share` of their revenue, highest share first (at most 50). One query."""
    rows = CustomerCostFigure.objects.filter(region_id__in=filters.regions)
    if filters.segment is not None:
        rows = rows.filter(segment_id=filters.segment)
    share = Case(
        # In floating point, as the live query (SQLite's integral NUMERIC values divide as integers).
        When(revenue__gt=0, then=ExpressionWrapper(F("yearly_cost") * 100 / Cast("revenue", FloatField()), output_field=FloatField())),
        default=Value(None),
        output_field=FloatField(),
    )  # fmt: skip
    found = (
        rows.filter(yearly_cost__gt=F("revenue") * filters.share)
        .annotate(share_percent=share)
        .values(
            "revenue",
            "active",
            "yearly_cost",
            "share_percent",
            ref=F("customer_id"),
            name=F("customer__name"),
            region_code=F("region__code"),
            segment_name=F("segment__name"),
        )
        .order_by(F("share_percent").desc(nulls_first=True), "-yearly_cost", "name")[:MOST_CUSTOMERS]
    )
    return [
        {**{key: row[key] for key in ("ref", "name")}, "region": row["region_code"], "segment": row["segment_name"],
         **{key: row[key] for key in ("revenue", "active", "yearly_cost", "share_percent")}}
        for row in found
    ]  # fmt: skip
