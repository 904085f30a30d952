"""Summary tables for the dashboard's heavy panels (issue 15, item 7), the machinery every app's share uses:
each app defines its tables and the queries that fill them (exceptions/summaries, segments/summaries,
governance/summaries) and rebuilds them through `rebuild` from a periodic check; its panels read them
when `as_of` says they were refreshed, and compute live otherwise.

`rebuild` is set-based (`DELETE`, then `INSERT … SELECT … GROUP BY`: the grouping done by the database, no
row through Python) in one transaction, so readers see the old figures until the new ones are committed,
never half of them. Safe twice at once: a refresh first locks its `SummaryRefresh` row (`SELECT … FOR
UPDATE`); a second run waits for the first to commit, then replaces its rows with the same figures (the
tables are a function of the rows they summarise). On SQLite one writer at a time gives the same.
"""

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

EVERY_MINUTES = 10  # how often the apps' summary checks run (the panels say so)


class SummaryRefresh(models.Model):
    """One row per summary: when it was last refreshed, how many rows it holds, how long it took."""

    name = models.CharField(max_length=60, unique=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        app_label = "intimacy_ops"

    def __str__(self) -> str:
        return f"{self.name} as of {self.refreshed_at}"


@dataclass(frozen=True)
class SummaryTable:
    """A summary table: its model, its columns, the aliases of the filling queries' values in the same
    order, and the functions returning those queries (querysets, run as `INSERT … SELECT`)."""

    model: type[models.Model]
    columns: list[str]
    aliases: list[str]
    queries: tuple[Callable, ...]


def as_of(name: str) -> dt.datetime | None:
    """When summary `name` was last refreshed (None: never; its panels compute live)."""
    return SummaryRefresh.objects.filter(name=name).values_list("refreshed_at", flat=True).first()


def insert_select(cursor, table: SummaryTable, queryset) -> int:
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in table.columns)
    picked = ", ".join(quote(alias) for alias in table.aliases)
    target = quote(table.model._meta.db_table)
    cursor.execute(f"INSERT INTO {target} ({names}) SELECT {picked} FROM ({sql}) AS q", params)  # noqa: S608
    return max(cursor.rowcount, 0)


def rebuild(
    name: str,
    tables: Iterable[SummaryTable] | Callable[[dt.datetime], Iterable[SummaryTable]],
    *,
    at: dt.datetime | None = None,
) -> dict[str, int]:
    """Replace every table's rows with the figures of now, in one transaction; the rows written per table.

    Figures that depend on the instant (a case late *now*) give `tables` as a function of it: it is called
    once the lock is held, with `at` or the moment the lock was taken, which is also the refresh's time."""
    started = time.perf_counter()
    SummaryRefresh.objects.get_or_create(name=name)
    written = {}
    with transaction.atomic():
        SummaryRefresh.objects.select_for_update().get(name=name)  # a second run waits here
        at = at or timezone.now()
        with connection.cursor() as cursor:
            for table in tables(at) if callable(tables) else tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table.model._meta.db_table)}")  # noqa: S608
                written[table.model._meta.model_name] = sum(
                    insert_select(cursor, table, query()) for query in table.queries
                )
        SummaryRefresh.objects.filter(name=name).update(
            refreshed_at=at, rows=sum(written.values()), seconds=time.perf_counter() - started
        )
    return written


def fresh(refreshed_at: dt.datetime | None) -> dict:
    """A panel Table's freshness arguments: as of the refresh, and how often it runs (None: computed live)."""
    return {"freshness": refreshed_at, "refreshed_every": EVERY_MINUTES if refreshed_at else None}
