"""What governance contributes to the dashboard: the review backlog per board."""

from django.urls import reverse

from governance.selectors import backlog
from intimacy_ops import dashboard


def _regions(filters):
    """The regions chosen, or None for all of the user's (the list then applies no region filter either)."""
    return None if filters.all_regions else filters.regions


def _reviews_url(filters, row: dict, **params) -> str:
    # The reviews list filters by board and region, not by segment or process: neither does the panel.
    return filters.drill(
        reverse("governance:queue"), board=row["board_id"], segment=None, process=None, **params
    )


def _backlog_panel(user, filters) -> dashboard.Table:
    rows = backlog.backlog_rows(user, regions=_regions(filters), since=filters.since, until=filters.until)
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
            "open": lambda row: _reviews_url(filters, row, status="open"),
            "overdue": lambda row: _reviews_url(filters, row, overdue="true"),
        },
        chart=dashboard.Chart(kind="bar", labels="board", series=["open", "overdue"]),
        empty="No board has a review open, or decided in this period, in these regions.",
    )


dashboard.register(
    dashboard.Panel(
        key="review-backlog",
        title="Review backlog per board",
        explanation=(
            "Per board: reviews open now, those of them past their due date, and over the reviews decided in "
            "the period the median number of days from opening to decision; a review counts in the region of "
            "the customer whose request it reviews. The segment and process filters do not apply."
        ),
        order=80,
        compute=_backlog_panel,
    )
)


def _open_reviews(user, filters) -> int:
    return backlog.open_count(user, regions=_regions(filters))


dashboard.register_summary("open_reviews", _open_reviews)
