"""What governance contributes to the dashboard: the review backlog per board."""

from django.urls import reverse

from governance.selectors import backlog
from governance.summaries import figures as summary
from intimacy_ops import access, dashboard
from intimacy_ops.dashboard.summary_tables import fresh


def _regions(user, filters):
    """The regions chosen; None (no region filter: proposals, which have no region, count too) only for all
    regions of someone who sees every region. Anyone else's reviews count in their regions."""
    return None if filters.all_regions and access.sees_all_regions(user) else filters.regions


def _reviews_url(user, filters, row: dict, **params) -> str:
    # The reviews list filters by board and region, not by segment or process: neither does the panel.
    if _regions(user, filters) is not None and filters.all_regions:
        params["region"] = list(filters.region_codes)  # the user's regions, as the figure counted
    return filters.drill(
        reverse("governance:queue"), board=row["board_id"], segment=None, process=None, **params
    )


def _backlog_panel(user, filters) -> dashboard.Table:
    regions, as_of = _regions(user, filters), summary.as_of(user)
    if as_of:
        rows = summary.backlog_rows(regions=regions, since=filters.since, until=filters.until)
    else:
        rows = backlog.backlog_rows(user, regions=regions, since=filters.since, until=filters.until)
    rows = [row for row in rows if row["open"] or row["decided"]]  # a board with nothing to show: no row
    return dashboard.Table(
        columns=[
            dashboard.Column("board", "Board"),
            dashboard.Column("open", "Open", kind="int"),
            dashboard.Column("overdue", "Overdue", kind="int"),
            dashboard.Column("decided", "Decided in the period", kind="int"),
            dashboard.Column("median_days", "Median time to decision", kind="days"),
        ],
        rows=rows,
        links={
            "open": lambda row: _reviews_url(user, filters, row, status="open"),
            "overdue": lambda row: _reviews_url(user, filters, row, overdue="true"),
        },
        chart=dashboard.Chart(kind="bar", labels="board", series=["open", "overdue"]),
        empty="No board has a review open, or decided in this period, in these regions.",
        **fresh(as_of),
    )


dashboard.register(
    dashboard.Panel(
        key="review-backlog",
        title="Review backlog per board",
        explanation=(
            "Per board: reviews open now, those of them past their due date, and over the reviews decided in "
            "the period the median number of days from opening to decision; a review counts in the region of "
            "the customer whose request it reviews (proposals, which have none, count only for those who see "
            "every region). The segment and process filters do not apply."
        ),
        order=80,
        compute=_backlog_panel,
    )
)


def _open_reviews(user, filters) -> int:
    if summary.as_of(user):
        return summary.open_count(regions=_regions(user, filters))
    return backlog.open_count(user, regions=_regions(user, filters))


dashboard.register_summary("open_reviews", _open_reviews)
