"""What segments contributes to the dashboard: the segment filter, and SLA compliance by segment × priority
with the equity check (a lower tier doing better than a higher one is flagged)."""

from django.urls import reverse

from intimacy_ops import dashboard
from intimacy_ops.dashboard.summary_tables import fresh
from segments.selectors import sla_compliance
from segments.summaries import figures as summary

dashboard.register_filter(
    "segment", label="Segment", choices=lambda user: sla_compliance.segment_choices(user)
)


def _cases_url(filters, row: dict | None = None, **params) -> str:
    """The cases list behind a figure: the dashboard's filters (process aside: cases have none), the row's
    segment and priority, and `params`."""
    where = {"process": None, **params}  # cases have no process
    if row is not None:
        where.update(segment=row["segment_id"], priority=row["priority"])
    return filters.drill(reverse("segments:case-list"), **where)


def _closed(filters) -> dict:
    return {
        "open": "false",
        "closed_after": filters.since.isoformat(),
        "closed_before": filters.until.isoformat(),
    }


def _figures(filters) -> dict:
    return {
        # All of the user's regions: None, no region filter (as the list, which then applies none either).
        "regions": None if filters.all_regions else filters.regions,
        "since": filters.since,
        "until": filters.until,
        "segment": filters.segment,
    }


def _summarised(filters) -> dict:
    return {**_figures(filters), "regions": filters.regions}  # the table holds every region: name them


def _sla_panel(user, filters) -> dashboard.Table:
    as_of = summary.as_of(user)
    if as_of:
        rows = summary.compliance_rows(**_summarised(filters))
    else:
        rows = sla_compliance.compliance_rows(user, **_figures(filters))
    return dashboard.Table(
        columns=[
            dashboard.Column("segment", "Segment"),
            dashboard.Column("priority", "Priority"),
            dashboard.Column("closed", "Closed", kind="int"),
            dashboard.Column("compliant", "Without a breach", kind="int"),
            dashboard.Column("breached", "Breached", kind="int"),
            dashboard.Column("compliance", "Compliance", kind="percent"),
            dashboard.Column("open_breached", "Open, breached now", kind="int"),
        ],
        rows=rows,
        links={
            "closed": lambda row: _cases_url(filters, row, **_closed(filters)),
            "compliant": lambda row: _cases_url(filters, row, **_closed(filters), breached="false"),
            "breached": lambda row: _cases_url(filters, row, **_closed(filters), breached="true"),
            "open_breached": lambda row: _cases_url(filters, row, open="true", breached="true"),
        },
        chart=dashboard.Chart(kind="bar", labels="label", series=["compliance"]),
        empty=(
            "No case of a segmented customer was closed in this period. Widen the period, or check that "
            "customers have a segment (Segments → Preview a threshold change)."
        ),
        flags={index: row["flag"] for index, row in enumerate(rows) if row["flag"]},
        **fresh(as_of),
    )


dashboard.register(
    dashboard.Panel(
        key="sla-compliance",
        title="SLA compliance by segment and priority",
        explanation=(
            "Cases closed in the period without a breach (response and resolution both on time) ÷ cases "
            "closed in the period, per segment and priority; “open, breached now” counts open cases already "
            "late whatever the period (as of the refresh when summarised). A lower tier complying better "
            "than a higher tier at the same priority is flagged. Cases have no process: the process filter "
            "does not apply."
        ),
        order=50,
        compute=_sla_panel,
    )
)


def _sla_summary(user, filters):
    if summary.as_of(user):
        figures = summary.overall(**_summarised(filters))
    else:
        figures = sla_compliance.overall(user, **_figures(filters))
    return None if figures["compliance"] is None else float(figures["compliance"])


dashboard.register_summary("sla_compliance_percent", _sla_summary)
