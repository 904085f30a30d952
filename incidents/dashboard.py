"""Incidents' panels on the dashboard (intimacy_ops/dashboard; issue 19, items 4 and 7), computed by
incidents/selectors/dashboard.py (aggregate SQL only); CSV, API and filters are the frame's.

- *Incidents: affected customers and goodwill*: each incident started in the period touching the chosen regions
  (and naming the chosen process), newest first (50 at most): its affected customers of those regions and that
  segment and the goodwill they were given (recorded within the givers' limits, requested as exceptions).
  "Affected" and "customers given goodwill" open the customers list (`affected_by`, `goodwill_in`,
  incidents/customer_filters.py) with the same region and segment: its count is the figure.
- *Incidents: recovery*: the same incidents' affected customers, 30 days before against 30 days after the start
  ("—" until 30 days have passed). These figures have no list of their own: the incident's title opens its
  Recovery card.
- *Goodwill by segment and region*: goodwill given in the period, per the customer's segment and region; the
  process filter does not apply (goodwill names no process; the panel says so). "Customers" opens the customers
  list given goodwill those days (`goodwill_after`/`goodwill_before`).
"""

from django.urls import reverse

from incidents import customer_filters  # noqa: F401 - the drill-downs' filters on the customers list
from incidents.selectors import dashboard as figures
from intimacy_ops import dashboard

Column, Table, Chart = dashboard.Column, dashboard.Table, dashboard.Chart


def _affected(user, filters) -> Table:
    customers = reverse("segments:customer-list")
    return Table(
        columns=[
            Column("label", "Incident"),
            Column("status", "Status"),
            Column("started_on", "Started", kind="date"),
            Column("affected", "Affected customers", kind="int"),
            Column("goodwill_recorded", "Goodwill recorded", kind="money"),
            Column("goodwill_requested", "Goodwill requested", kind="money"),
            Column("goodwill_customers", "Customers given goodwill", kind="int"),
        ],
        rows=figures.affected_and_goodwill(user, filters),
        links={
            "label": lambda row: reverse("incidents:detail", args=[row["ref"]]),
            "affected": lambda row: filters.drill(customers, affected_by=row["ref"]),
            "goodwill_customers": lambda row: filters.drill(customers, goodwill_in=row["ref"]),
        },
        chart=Chart(kind="stacked-bar", labels="label", series=["goodwill_recorded", "goodwill_requested"]),
        empty="No incident started in this period in these regions.",
    )


def _recovery(user, filters) -> Table:
    rows = figures.recovery_rows(user, filters)
    return Table(
        columns=[
            Column("label", "Incident"),
            Column("affected", "Affected", kind="int"),
            Column("cases_before", "Cases before", kind="int"),
            Column("cases_after", "Cases after", kind="int"),
            Column("feedback_before", "Feedback before", kind="int"),
            Column("feedback_after", "Feedback after", kind="int"),
            Column("negative_share_before", "Negative before", kind="percent"),
            Column("negative_share_after", "Negative after", kind="percent"),
            Column("reduced_or_ended", "Reduced or ended", kind="int"),
        ],
        rows=rows,
        links={"label": lambda row: reverse("incidents:detail", args=[row["ref"]]) + "#recovery"},
        chart=Chart(kind="bar", labels="label", series=["cases_before", "cases_after"]),
        empty="No incident started in this period in these regions.",
        flags={
            index: "customers reduced or ended their business"
            for index, row in enumerate(rows)
            if row["reduced_or_ended"]
        },
    )


def _goodwill(user, filters) -> Table:
    customers = reverse("segments:customer-list")

    def drill(row):
        if row["segment_ref"] is None:
            return None  # the customers list has no "no segment" filter
        return filters.drill(
            customers,
            region=row["region"],
            segment=row["segment_ref"],
            goodwill_after=filters.since,
            goodwill_before=filters.until,
        )

    return Table(
        columns=[
            Column("segment", "Segment"),
            Column("region", "Region"),
            Column("recorded", "Recorded", kind="money"),
            Column("requested", "Requested as exceptions", kind="money"),
            Column("customers", "Customers", kind="int"),
            Column("incidents", "Incidents", kind="int"),
        ],
        rows=figures.goodwill_by_segment_and_region(user, filters),
        links={"customers": drill},
        chart=Chart(kind="stacked-bar", labels="segment", series=["recorded", "requested"], group="region"),
        empty="No goodwill given in this period in these regions.",
    )


dashboard.register(
    dashboard.Panel(
        key="incidents-affected",
        title="Incidents: affected customers and goodwill",
        explanation=(
            "Incidents started in the period (50 newest): their affected customers of these regions and segment, "
            "and the goodwill given them — recorded at once within the givers' limits, requested as exceptions "
            "above them."
        ),
        order=70,
        compute=_affected,
    )
)
dashboard.register(
    dashboard.Panel(
        key="incidents-recovery",
        title="Incidents: recovery",
        explanation=(
            "For the same incidents' affected customers of these regions and segment: cases opened, feedback "
            "given and the share of negative sentiment that counts, 30 days before against 30 days after the "
            "start (— until 30 days have passed); reduced or ended: annual revenue below what it was when "
            "affected, or a lower tier now. These figures have no list of their own: the incident opens."
        ),
        order=71,
        compute=_recovery,
    )
)
dashboard.register(
    dashboard.Panel(
        key="incidents-goodwill",
        title="Goodwill by segment and region",
        explanation=(
            "Goodwill given in the period, per the customer's segment and region: recorded at once within the "
            "giver's limit, and requested as an exception above it. The process filter does not apply here."
        ),
        order=72,
        compute=_goodwill,
    )
)
