"""The refresh of the per-region figures: set-based (`DELETE`, then `INSERT … SELECT … GROUP BY region`, the
grouping done by the database, no row through Python), in one transaction, so readers see the old figures
until the new ones are committed, never half of them.

Safe twice at once: a refresh first locks its `FigureRefresh` row (`SELECT … FOR UPDATE`); a second run
waits for the first to commit, then replaces its rows with the figures of its own instant (the tables are a
function of the customers and cases). On SQLite one writer at a time gives the same.
"""

import datetime
import time

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from intimacy_ops.bulk_insert import insert_select
from segments.figures.models import CaseFigure, FigureRefresh, TierFigure
from segments.models import Customer, ServiceCase
from segments.selectors.cases import case_count_figures

NAME = "segments.region_figures"
CASE_COLUMNS = ["open_count", "breached_count", "within_count", "waiting_count", "due_soon_count"]


def _tier_figures(now):
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


TABLES = (
    # (model, its columns, the query's aliases in the same order, the query filling it)
    (
        TierFigure,
        ["region_id", "segment_id", "customers", "locked"],
        ["r", "s", "n", "locked"],
        _tier_figures,
    ),
    (CaseFigure, ["region_id", *CASE_COLUMNS], ["r", *CASE_COLUMNS], _case_figures),
)


def refresh(now: datetime.datetime | None = None) -> dict[str, int]:
    """Replace the figures with those of `now` (default: the moment the lock is held); rows written per table."""
    started = time.perf_counter()
    FigureRefresh.objects.get_or_create(name=NAME)
    written = {}
    with transaction.atomic():
        FigureRefresh.objects.select_for_update().get(name=NAME)  # a second run waits here
        now = now or timezone.now()
        with connection.cursor() as cursor:
            for model, columns, aliases, query in TABLES:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
                written[model._meta.model_name] = insert_select(cursor, model, columns, aliases, query(now))
        FigureRefresh.objects.filter(name=NAME).update(
            refreshed_at=now, rows=sum(written.values()), seconds=time.perf_counter() - started
        )
    return written
