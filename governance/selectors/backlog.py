"""The review backlog per board, for the dashboard: one aggregate query over the reviews the user may see.

- *open*: reviews not yet decided nor withdrawn (whatever the period);
- *overdue*: open, and due before today;
- *median days to decision*: over the reviews decided in the period (decided on a day from `since` to
  `until`), the median of the days from opening to decision.

A review belongs to the region of the customer of the request it reviews (as the reviews list's `region`
filter reads it); a proposal (standardization, sunset) to none, so a region chosen leaves proposals out.
"""

from decimal import Decimal

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Q, Value
from django.utils import timezone

from governance.models import Review
from intimacy_ops import access


class MedianDays(Aggregate):
    """The median of an interval, in days (PostgreSQL's percentile_cont)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)"
    output_field = FloatField()


def scoped_reviews(user, *, regions=None, segment=None, process=None):
    """The reviews the user may see, of `regions` (None: wherever they may see), `segment` and `process`."""
    reviews = access.visible(user, Review)
    if regions is not None:
        reviews = reviews.filter(exception__customer__region__in=regions)
    if segment is not None:
        reviews = reviews.filter(exception__customer__segment=segment)
    if process is not None:
        reviews = reviews.filter(Q(exception__process=process) | Q(process=process))
    return reviews


def _median_days(decided: Q):
    if connection.vendor != "postgresql":
        return Value(None, output_field=FloatField())
    taken = ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())
    return MedianDays(taken, filter=decided)


def backlog_rows(user, *, regions, since, until, segment=None, process=None, today=None) -> list[dict]:
    """Per board: open, overdue, decided in the period and the median days to decision. One query."""
    today = today or timezone.localdate()
    open_ = Q(status=Review.Status.OPEN)
    decided = Q(
        status=Review.Status.DECIDED,
        closed_at__isnull=False,
        closed_at__date__gte=since,
        closed_at__date__lte=until,
    )
    rows = (
        scoped_reviews(user, regions=regions, segment=segment, process=process)
        .values("board_id", "board__name")
        .annotate(
            open=Count("id", filter=open_),
            overdue=Count("id", filter=open_ & Q(due_on__lt=today)),
            decided=Count("id", filter=decided),
            median_days=_median_days(decided),
        )
        .order_by("board__name", "board_id")
    )
    return [
        {
            "board_id": row["board_id"],
            "board": row["board__name"],
            "open": row["open"],
            "overdue": row["overdue"],
            "decided": row["decided"],
            "median_days": _days(row["median_days"]),
        }
        for row in rows
    ]


def _days(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


def open_count(user, *, regions, segment=None, process=None) -> int:
    """The headline: open reviews (one query)."""
    return (
        scoped_reviews(user, regions=regions, segment=segment, process=process)
        .filter(status=Review.Status.OPEN)
        .count()
    )
