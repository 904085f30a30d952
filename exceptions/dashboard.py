"""The exceptions app's panels on the dashboard (intimacy_ops/dashboard), computed by
exceptions/selectors_dashboard.py; the `process` filter; the summary's exception figures.

Drill-down links use the exceptions list's filters (CONTRACT: `status`, `process`, `segment`, `region`, …):
the list's count equals the figure it comes from.
"""

from django.urls import reverse

from exceptions import selectors_dashboard as figures
from exceptions.models import Process
from intimacy_ops import dashboard

Column, Table, Chart = dashboard.Column, dashboard.Table, dashboard.Chart
ACTIVE = "active"

dashboard.register_filter(
    "process",
    label="Process",
    choices=lambda user: list(Process.objects.order_by("name").values_list("id", "name")),
)


def _list_url() -> str:
    return reverse("exceptions:list")


# --- active exceptions by process, segment and region --------------------------------------------------


def _active_by(key: str, label: str, title: str, param: str, filters_param):
    def compute(user, filters) -> dashboard.Table:
        rows = figures.active_by(user, filters, key=key, label=label)
        for row in rows:
            row["name"] = row["name"] or "No segment"

        def drill(row):
            value = filters_param(row)
            if value is None and param == "segment":
                return None  # no list filter for "no segment"
            return filters.drill(_list_url(), status=ACTIVE, **{param: value})

        return Table(
            columns=[
                Column("name", title),
                Column("active", "Active", kind="int"),
                Column("monthly_cost", "Monthly cost", kind="money"),
            ],
            rows=rows,
            links={"active": drill},
            chart=Chart(kind="bar", labels="name", series=["monthly_cost"]),
            empty="No active exception in these regions for these filters: widen the period or the regions.",
        )

    return compute


dashboard.register(
    dashboard.Panel(
        key="exceptions-by-process",
        title="Active exceptions by process",
        explanation="Requests active today, counted per process, with the sum of their estimated monthly cost.",
        order=10,
        compute=_active_by("process", "process__name", "Process", "process", lambda row: row["ref"]),
    )
)
dashboard.register(
    dashboard.Panel(
        key="exceptions-by-segment",
        title="Active exceptions by segment",
        explanation="Requests active today, counted per the customer's segment, with their estimated monthly cost.",
        order=11,
        compute=_active_by(
            "customer__segment", "customer__segment__name", "Segment", "segment", lambda row: row["ref"]
        ),
    )
)
dashboard.register(
    dashboard.Panel(
        key="exceptions-by-region",
        title="Active exceptions by region",
        explanation="Requests active today, counted per the customer's region, with their estimated monthly cost.",
        order=12,
        compute=_active_by(
            "customer__region", "customer__region__code", "Region", "region", lambda row: row["name"]
        ),
    )
)

dashboard.register_summary("exceptions_by_status", figures.status_counts)
dashboard.register_summary("active_exception_monthly_cost", figures.active_monthly_cost)
