"""Key accounts' panel on the dashboard (intimacy_ops/dashboard): customers below their health line, per
segment, in the dashboard's regions and segment (keyaccounts/score/selectors.py, one aggregate query). Each
figure opens `/keyaccounts/health/` with the same filters, whose count is the figure."""

from django.urls import reverse

from intimacy_ops import dashboard
from keyaccounts.score import selectors


def _health(user, filters) -> dashboard.Table:
    rows = selectors.panel_rows(user, filters)
    page = reverse("keyaccounts:health-list")

    def drill(**extra):
        # The health list has no process or period: the scores are today's whatever the period.
        return lambda row: (
            filters.drill(page, process=None, segment=row["ref"], **extra) if row["ref"] else None
        )

    return dashboard.Table(
        columns=[
            dashboard.Column("name", "Segment"),
            dashboard.Column("scored", "Customers scored", kind="int"),
            dashboard.Column("below", "Below their line", kind="int"),
            dashboard.Column("lowest", "Lowest score", kind="int"),
        ],
        rows=rows,
        links={"scored": drill(), "below": drill(below_line=True), "lowest": drill(ordering="score")},
        chart=dashboard.Chart(kind="bar", labels="name", series=["below"]),
        empty="No health score yet in these regions: the check keyaccounts.health_scores computes them hourly.",
        flags={
            index: "at risk: "
            + ", ".join(row["lowest_customers"])
            + (" …" if row["below"] > len(row["lowest_customers"]) else "")
            for index, row in enumerate(rows)
            if row["below"]
        },
    )


dashboard.register(
    dashboard.Panel(
        key="keyaccounts-health",
        title="Customers below their health line",
        explanation=(
            "Today's health scores (100 minus the points each part takes off: SLA compliance, breaches, open "
            "escalations, negative feedback, exceptions past their dates, incidents), per segment; a customer "
            "is below the line when its score is under its region's at-risk line. Neither the period nor the "
            "process applies."
        ),
        order=70,
        compute=_health,
    )
)


def _below(user, filters):
    return sum(row["below"] for row in selectors.panel_rows(user, filters))


dashboard.register_summary("customers_below_health_line", _below)
