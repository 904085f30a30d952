"""The review backlog's summary tables: the queries the refresh fills them with (through the kernel's
`summary_tables.rebuild`), and the panel's figures read from them — the same rows as
governance/selectors/backlog.py computes live, as of the last refresh.

`as_of(user)` says whether a user's figures may come from them: the tables count every review of a region's
requests, which operations leads, board members, auditors and administrators see (the access rule
`read_region_figures`); the panel asks for every region (proposals included) only for those who see every
region. For anyone else, or before the first refresh, it answers None and the panel computes live.
"""

import datetime as dt
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Cast, Round, TruncDate
from django.utils import timezone

from exceptions.selectors_dashboard import DaysBetween
from exceptions.summaries.selectors import percentile
from governance.models import Review
from governance.summaries.models import ReviewBacklogFigure, ReviewDecisionFigure
from intimacy_ops import access
from intimacy_ops.dashboard.summary_tables import SummaryTable, rebuild
from intimacy_ops.dashboard.summary_tables import as_of as refreshed_at

NAME = "governance.review_backlog"
Status = Review.Status


# --- the refresh ---------------------------------------------------------------------------------------


def _key() -> dict:
    return {"b": F("board_id"), "r": F("exception__customer__region_id")}


def _backlog():
    today = timezone.localdate()
    return (
        Review.objects.filter(status=Status.OPEN)
        .order_by()
        .values(**_key())
        .annotate(n=Count("id"), o=Count("id", filter=Q(due_on__lt=today)))
    )


def _decisions():
    """Each decided review's days from opening to decision, in tenths, counted per group (the live median's
    definition, governance/selectors/backlog.py)."""
    return (
        Review.objects.filter(status=Status.DECIDED, closed_at__isnull=False)
        .order_by()
        .annotate(days=DaysBetween(F("closed_at"), F("opened_at")))
        .values(**_key(), d=TruncDate("closed_at"), t=Cast(Round(F("days") * 10), IntegerField()))
        .annotate(n=Count("id"))
    )


TABLES = (
    SummaryTable(
        ReviewBacklogFigure, ["board_id", "region_id", "open", "overdue"], ["b", "r", "n", "o"], (_backlog,)
    ),
    SummaryTable(
        ReviewDecisionFigure,
        ["board_id", "region_id", "day", "tenths", "decisions"],
        ["b", "r", "d", "t", "n"],
        (_decisions,),
    ),
)


def refresh() -> dict[str, int]:
    return rebuild(NAME, TABLES)


# --- the panel's figures -------------------------------------------------------------------------------


def as_of(user) -> dt.datetime | None:
    if not access.allowed(user, "read_region_figures", Review):
        return None
    return refreshed_at(NAME)


def _rows(model, regions):
    queryset = model.objects.order_by()
    return queryset if regions is None else queryset.filter(region_id__in=regions)


def backlog_rows(*, regions, since: dt.date, until: dt.date) -> list[dict]:
    """Per board: open, overdue, decided in the period, median days to decision. Two grouped queries."""
    boards: dict[int, dict] = {}

    def board(board_id, name):
        return boards.setdefault(
            board_id,
            {"board_id": board_id, "board": name, "open": 0, "overdue": 0, "decided": 0, "median_days": None},
        )

    backlog = (
        _rows(ReviewBacklogFigure, regions)
        .values("board_id", "board__name")
        .annotate(open=Sum("open"), overdue=Sum("overdue"))
    )
    for row in backlog:
        board(row["board_id"], row["board__name"]).update(open=row["open"], overdue=row["overdue"])
    decided = (
        _rows(ReviewDecisionFigure, regions)
        .filter(day__gte=since, day__lte=until)
        .values("board_id", "board__name", "tenths")
        .annotate(decisions=Sum("decisions"))
        .order_by("board_id", "tenths")
    )
    for (board_id, name), group in groupby(decided, key=lambda row: (row["board_id"], row["board__name"])):
        buckets = [(row["tenths"], row["decisions"]) for row in group]
        median = percentile(buckets, 0.5) / 10
        board(board_id, name).update(
            decided=sum(count for _, count in buckets), median_days=Decimal(str(round(median, 1)))
        )
    return sorted(boards.values(), key=lambda row: (row["board"], row["board_id"]))


def open_count(*, regions) -> int:
    return _rows(ReviewBacklogFigure, regions).aggregate(total=Sum("open"))["total"] or 0
