"""The exceptions app's panels on the dashboard (intimacy_ops/dashboard), computed by
exceptions/selectors_dashboard.py; the `process` filter; the summary's exception figures.

Drill-down links use the exceptions list's filters (CONTRACT: `status`, `process`, `segment`, `region`, …):
the list's count equals the figure it comes from.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from exceptions import dashboard_cost  # noqa: F401  (the cost and drift panels register on import)
from exceptions import selectors_dashboard as figures
from exceptions.models import Process
from exceptions.summaries import selectors as summary
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


def _summarised(user) -> dict:
    """The Table's freshness when the panel reads the summary tables (None: computed live)."""
    as_of = summary.as_of(user)
    return {"freshness": as_of, "refreshed_every": summary.EVERY_MINUTES if as_of else None}


def _active_by(key: str, label: str, title: str, param: str, filters_param):
    def compute(user, filters) -> dashboard.Table:
        fresh = _summarised(user)
        if fresh["freshness"]:
            rows = summary.active_by(filters, key=key)
        else:
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
            links={"active": drill, "monthly_cost": drill},
            chart=Chart(kind="bar", labels="name", series=["monthly_cost"]),
            empty="No active exception in these regions for these filters: widen the period or the regions.",
            **fresh,
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


def _status_counts(user, filters):
    if summary.as_of(user):
        return summary.status_counts(filters)
    return figures.status_counts(user, filters)


dashboard.register_summary("exceptions_by_status", _status_counts)
dashboard.register_summary("active_exception_monthly_cost", summary.monthly_cost_now)


# --- new / approved / rejected / withdrawn per month ---------------------------------------------------

# What an approved request can have become since (its status today).
APPROVED_SINCE = ("approved", "active", "expired", "sunset", "standardized", "revoked")
# A new request is one past draft (drafts are nobody's figure; an auditor's list would show them).
PAST_DRAFT = tuple(status for status in figures.Status.values if status != figures.Status.DRAFT)


def _decisions(user, filters) -> dashboard.Table:
    fresh = _summarised(user)
    if fresh["freshness"]:
        rows = summary.decisions_per_month(filters)
    else:
        rows = figures.decisions_per_month(user, filters)
    url = _list_url()

    def between(prefix):
        return lambda row: {f"{prefix}_after": row["first"], f"{prefix}_before": row["last"]}

    created, decided, withdrawn = between("created"), between("decided"), between("withdrawn")
    return Table(
        columns=[
            Column("month", "Month"),
            Column("new", "New", kind="int"),
            Column("approved", "Approved", kind="int"),
            Column("rejected", "Rejected", kind="int"),
            Column("withdrawn", "Withdrawn", kind="int"),
        ],
        rows=rows
        if any(row["new"] or row["approved"] or row["rejected"] or row["withdrawn"] for row in rows)
        else [],
        links={
            "new": lambda row: filters.drill(url, status=list(PAST_DRAFT), **created(row)),
            "approved": lambda row: filters.drill(url, status=list(APPROVED_SINCE), **decided(row)),
            "rejected": lambda row: filters.drill(url, status="rejected", **decided(row)),
            "withdrawn": lambda row: filters.drill(url, status="withdrawn", **withdrawn(row)),
        },
        chart=Chart(kind="bar", labels="month", series=["new", "approved", "rejected", "withdrawn"]),
        empty="No request was raised or decided in this period: choose a longer period.",
        **fresh,
    )


dashboard.register(
    dashboard.Panel(
        key="exceptions-per-month",
        title="New, approved, rejected and withdrawn per month",
        explanation=(
            "New: requests created in the month (drafts left out); approved, rejected, withdrawn: by the date "
            "of that step."
        ),
        order=20,
        compute=_decisions,
    )
)


# --- time to decision ----------------------------------------------------------------------------------


def _time_to_decision(user, filters) -> dashboard.Table:
    url = _list_url()
    fresh = _summarised(user)
    if fresh["freshness"]:
        rows = summary.time_to_decision(filters)
    else:
        rows = figures.time_to_decision(user, filters)
    return Table(
        columns=[
            Column("month", "Month"),
            Column("route", "Route"),
            Column("decisions", "Decisions", kind="int"),
            Column("median_days", "Median", kind="days"),
            Column("p90_days", "90th percentile", kind="days"),
        ],
        rows=rows,
        links={
            "decisions": lambda row: filters.drill(
                url, route=row["route"], decided_after=row["first"], decided_before=row["last"]
            )
        },
        chart=Chart(kind="line", labels="month", series=["median_days", "p90_days"], group="route"),
        empty="No request was decided in this period: choose a longer period.",
        **fresh,
    )


dashboard.register(
    dashboard.Panel(
        key="time-to-decision",
        title="Time to decision by route",
        explanation=(
            "Days from a request's latest submission to its approval or rejection; median and 90th percentile "
            "per month of the decision, for the lead's and the board's route."
        ),
        order=21,
        compute=_time_to_decision,
    )
)


# --- expiring soon, sunset dates -----------------------------------------------------------------------


def _expiring(user, filters) -> dashboard.Table:
    url = _list_url()
    today = timezone.localdate()
    window = today + dt.timedelta(days=figures.EXPIRY_WINDOW)
    return Table(
        columns=[
            Column("name", "Process"),
            Column("expiring", "Expiring in 30 days", kind="int"),
            Column("next_expiry", "Next expiry", kind="date"),
            Column("sunset", "Sunset date set", kind="int"),
        ],
        rows=figures.expiring(user, filters),
        links={
            "expiring": lambda row: filters.drill(
                url, status=ACTIVE, process=row["ref"], expires_after=today, expires_before=window
            ),
            "sunset": lambda row: filters.drill(url, status=ACTIVE, process=row["ref"], sunset=True),
        },
        chart=Chart(kind="stacked-bar", labels="name", series=["expiring", "sunset"]),
        empty="Nothing active expires in the next 30 days and no sunset date is set.",
    )


dashboard.register(
    dashboard.Panel(
        key="expiring-soon",
        title="Expiring soon and sunsets set",
        explanation=(
            "Active requests whose expiry date falls in the next 30 days, and active requests a board has set a "
            "sunset date for, per process (not bound to the period)."
        ),
        order=30,
        compute=_expiring,
    )
)
