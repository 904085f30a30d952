"""The exceptions app's cost and drift panels (imported by exceptions/dashboard.py): estimated against actual
cost, drift per process, customers costing more than a share of their revenue."""

from django.urls import reverse

from exceptions import filters as _list_filters  # noqa: F401  (adds the customers list's `holds_active`)
from exceptions.summaries import selectors as summary
from intimacy_ops import dashboard
from intimacy_ops.dashboard.summary_tables import fresh

Column, Table, Chart = dashboard.Column, dashboard.Table, dashboard.Chart


def _cost_over_time(user, filters) -> dashboard.Table:
    url = reverse("exceptions:list")
    rows, as_of = summary.cost_over_time(user, filters)

    def in_force(row):
        return filters.drill(
            url, process=row["ref"], in_force_after=row["first"], in_force_before=row["last"]
        )

    def booked(row):
        return filters.drill(url, process=row["ref"], costs_after=row["first"], costs_before=row["last"])

    return Table(
        columns=[
            Column("month", "Month"),
            Column("process", "Process"),
            Column("in_force", "Requests in force", kind="int"),
            Column("estimated", "Estimated", kind="money"),
            Column("booked", "Requests with costs booked", kind="int"),
            Column("actual", "Actual", kind="money"),
            Column("difference", "Actual − estimated", kind="money"),
        ],
        rows=rows,
        # Each amount links to the requests it sums (the list counts the cell beside it).
        links={"in_force": in_force, "estimated": in_force, "booked": booked, "actual": booked},
        chart=Chart(kind="line", labels="month", series=["estimated", "actual"], group="process"),
        empty="No exception was in force and no cost was booked in this period.",
        **fresh(as_of),
    )


dashboard.register(
    dashboard.Panel(
        key="cost-estimated-vs-actual",
        title="Estimated against actual cost",
        explanation=(
            "Per month and process: the estimated monthly cost of every request in force that month (plus its "
            "one-off cost in its first month) against the cost actually booked that month; each amount opens "
            "the requests it sums (summarised for 12 months and year to date, live for other periods)."
        ),
        order=40,
        compute=_cost_over_time,
    )
)


def _drift(user, filters) -> dashboard.Table:
    total, rows, as_of = summary.drift(user, filters)
    for row in rows:
        row["in_scope"] = total
    url, customers = reverse("exceptions:list"), reverse("segments:customer-list")
    return Table(
        columns=[
            Column("name", "Process"),
            Column("active", "Active exceptions", kind="int"),
            Column("customers_now", "Customers holding one", kind="int"),
            Column("in_scope", "Customers in scope", kind="int"),
            Column("drift_now", "Drift now", kind="percent"),
            Column("drift_then", "At the period's start", kind="percent"),
            Column("change", "Change (points)", kind="percent"),
        ],
        rows=rows,
        links={
            "active": lambda row: filters.drill(url, status="active", process=row["ref"]),
            # The customers list: in scope (the regions and segment chosen), and of them those holding one.
            "customers_now": lambda row: filters.drill(customers, process=None, holds_active=row["ref"]),
            "in_scope": lambda row: filters.drill(customers, process=None),
        },
        chart=Chart(kind="bar", labels="name", series=["drift_then", "drift_now"]),
        empty="No customer in scope holds an active exception: nothing drifts.",
        **fresh(as_of),
    )


dashboard.register(
    dashboard.Panel(
        key="drift-per-process",
        title="Drift per process",
        explanation=(
            "Drift = customers in scope (the chosen regions and segment) holding at least one active exception "
            "against the process ÷ customers in scope; compared with the same share on the period's first day "
            "(summarised for the preset periods, live for a period of your own)."
        ),
        order=45,
        compute=_drift,
    )
)


def _cost_over_revenue(user, filters) -> dashboard.Table:
    url = reverse("exceptions:list")
    rows, as_of = summary.cost_over_revenue(user, filters)
    return Table(
        columns=[
            Column("name", "Customer"),
            Column("region", "Region"),
            Column("segment", "Segment"),
            Column("revenue", "Annual revenue", kind="money"),
            Column("yearly_cost", "Yearly exception cost", kind="money"),
            Column("share_percent", "Of revenue", kind="percent"),
            Column("active", "Active exceptions", kind="int"),
        ],
        rows=rows,
        links={
            "name": lambda row: reverse("segments:customer-detail", kwargs={"pk": row["ref"]}),
            "active": lambda row: filters.drill(url, status="active", customer=row["ref"]),
            # The requests whose costs make the sum (the list's count is the "active exceptions" cell).
            "yearly_cost": lambda row: filters.drill(url, status="active", customer=row["ref"]),
        },
        chart=Chart(kind="bar", labels="name", series=["share_percent"]),
        empty="No customer's exceptions cost more than this share of their revenue: try a lower share.",
        **fresh(as_of),
    )


dashboard.register(
    dashboard.Panel(
        key="cost-over-revenue",
        title="Customers whose exceptions outrun their revenue",
        explanation=(
            "Customers whose active exceptions cost more per year (12 × estimated monthly cost + one-off costs) "
            "than the chosen share of their annual revenue (filter “Revenue share”, default 5 %); at most 50 "
            "(summarised, revenue as of the refresh; live when a process is chosen)."
        ),
        order=50,
        compute=_cost_over_revenue,
    )
)
