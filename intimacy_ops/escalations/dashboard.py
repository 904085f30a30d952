"""What escalations (a kernel part) contribute to the dashboard: open escalations by level and age, and
those whose target nobody holds. Names no business model: an escalation's subject is any object."""

from django.urls import reverse
from django.utils import timezone

from intimacy_ops import dashboard
from intimacy_ops.escalations import selectors


def _regions(filters):
    """The regions chosen, or None for all of the user's (the list then applies no region filter either)."""
    return None if filters.all_regions else filters.regions


def _list_url(filters, row: dict | None = None, **params) -> str:
    # Escalations have no segment or process: the list is filtered by region, level and age only.
    where = {"open": "true", "segment": None, "process": None, **params}
    if row is not None:
        where["level"] = row["level"]
    return filters.drill(reverse("escalations:list"), **where)


def _aged(filters, days: int, today):
    def link(row):
        return _list_url(filters, row, raised_before=selectors.raised_on_or_before(days, today).isoformat())

    return link


def _escalations_panel(user, filters) -> dashboard.Table:
    today = timezone.localdate()
    rows = selectors.open_by_level(user, regions=_regions(filters), today=today)
    for row in rows:
        row["label"] = f"Level {row['level']}"
    aged = [
        dashboard.Column(f"over_{days}", f"Raised {days}+ day{'s' if days > 1 else ''} ago", kind="int")
        for days in selectors.AGE_LINES
    ]
    return dashboard.Table(
        columns=[
            dashboard.Column("level", "Level", kind="int"),
            dashboard.Column("open", "Open", kind="int"),
            *aged,
            dashboard.Column("unheld", "Target nobody holds", kind="int"),
        ],
        rows=rows,
        links={
            "open": lambda row: _list_url(filters, row),
            **{f"over_{days}": _aged(filters, days, today) for days in selectors.AGE_LINES},
            "unheld": lambda row: _list_url(filters, row, unheld="true"),
        },
        chart=dashboard.Chart(
            kind="bar", labels="label", series=["open", *(f"over_{days}" for days in selectors.AGE_LINES)]
        ),
        empty="No escalation is open in these regions: every line crossed has been resolved.",
    )


dashboard.register(
    dashboard.Panel(
        key="escalations",
        title="Open escalations by level and age",
        explanation=(
            "Escalations not yet resolved (acknowledged or not), per level; the age columns count those raised "
            "at least 1, 7 or 30 days ago; “target nobody holds” counts those raised to a person who left or "
            "to a role no active person holds in the escalation's region. The segment and process filters do not apply."
        ),
        order=70,
        compute=_escalations_panel,
    )
)


def _open_escalations(user, filters) -> int:
    return selectors.open_totals(user, regions=_regions(filters))["open"]


dashboard.register_summary("open_escalations", _open_escalations)
