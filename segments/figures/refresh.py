"""The refresh of the per-region figures, through the dashboard's summary-table machinery
(`intimacy_ops.dashboard.summary_tables.rebuild`): set-based (`DELETE`, then `INSERT … SELECT … GROUP BY
region`, no row through Python), in one transaction, safe twice at once (the second waits on the first's
`SummaryRefresh` row, then replaces the rows with the figures of its own instant).
"""

import datetime

from django.db.models import Count, F, Q

from intimacy_ops.dashboard.summary_tables import SummaryTable, rebuild
from segments.figures.models import CaseFigure, TierFigure
from segments.models import Customer, ServiceCase
from segments.selectors.cases import case_count_figures

NAME = "segments.region_figures"
CASE_COLUMNS = ["open_count", "breached_count", "within_count", "waiting_count", "due_soon_count"]


def _tier_figures():
    return (
        Customer.objects.filter(segment__isnull=False)
        .order_by()
        .values(r=F("region_id"), s=F("segment_id"))
        .annotate(n=Count("id"), locked=Count("id", filter=Q(segment_locked=True)))
    )


def _case_figures(now):
    return (
        ServiceCase.objects.filter(resolved_at__isnull=True)
        .order_by()
        .values(r=F("customer__region_id"))
        .annotate(**case_count_figures(now))
    )


def tables(now: datetime.datetime) -> list[SummaryTable]:
    """The figure tables as of `now` (open cases late, due soon… depend on the instant)."""
    return [
        SummaryTable(
            TierFigure,
            ["region_id", "segment_id", "customers", "locked"],
            ["r", "s", "n", "locked"],
            (_tier_figures,),
        ),
        SummaryTable(
            CaseFigure, ["region_id", *CASE_COLUMNS], ["r", *CASE_COLUMNS], (lambda: _case_figures(now),)
        ),
    ]


def refresh(now: datetime.datetime | None = None) -> dict[str, int]:
    """Replace the figures with those of `now` (default: the moment the lock is held); rows written per table."""
    return rebuild(NAME, tables, at=now)
