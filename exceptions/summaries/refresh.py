"""The refresh of the summary tables: set-based (`DELETE`, then `INSERT … SELECT … GROUP BY`, the grouping
done by the database, no row through Python), in one transaction per refresh, so readers see the old figures
until the new ones are committed, never half of them.

Safe twice at once: each refresh first locks its `SummaryRefresh` row (`SELECT … FOR UPDATE`); a second run
waits for the first to commit, then replaces its rows with the same figures (idempotent: the tables are a
function of the requests and their transitions). On SQLite one writer at a time gives the same.
"""

import time

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round, TruncDate
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExceptionTransition
from exceptions.selectors_dashboard import DECISIONS, ZERO, DaysBetween
from exceptions.summaries.models import (
    DecisionTimeFigure,
    ExceptionDayFigure,
    ExceptionStatusFigure,
    SummaryRefresh,
)
from intimacy_ops.bulk_insert import insert_select

Status = ExceptionRequest.Status
NAME = "exceptions.dashboard"


def _requests():
    """Every request past draft (what a lead of the region sees; the dashboard's readers all see those)."""
    return ExceptionRequest.objects.exclude(status=Status.DRAFT).order_by()


def _transitions(**where):
    return ExceptionTransition.objects.filter(exception__in=_requests().values("pk"), **where).order_by()


def _key(prefix: str = "") -> dict:
    return {
        "r": F(f"{prefix}customer__region_id"),
        "s": F(f"{prefix}customer__segment_id"),
        "p": F(f"{prefix}process_id"),
    }


def _status_figures():
    return (
        _requests()
        .values(**_key(), st=F("status"))
        .annotate(
            n=Count("id"),
            mc=Coalesce(Sum("estimated_monthly_cost"), ZERO),
            oc=Coalesce(Sum("estimated_one_off_cost"), ZERO),
        )
    )


def _created_per_day():
    zero = Value(0)
    return (
        _requests()
        .values(d=TruncDate("created_at"), **_key(), ro=F("route"))
        .annotate(n=Count("id"), a=zero, rj=zero, w=zero)
    )


def _moved_per_day():
    return (
        _transitions(to_status__in=(Status.APPROVED, Status.REJECTED, Status.WITHDRAWN))
        .values(d=TruncDate("at"), **_key("exception__"), ro=F("exception__route"))
        .annotate(
            n=Value(0),
            a=Count("id", filter=Q(to_status=Status.APPROVED)),
            rj=Count("id", filter=Q(to_status=Status.REJECTED)),
            w=Count("id", filter=Q(to_status=Status.WITHDRAWN)),
        )
    )


def _decision_times():
    """Each decision's days from the request's latest submission before it, in tenths, counted per group
    (the same definition as the live panel, selectors_dashboard.time_to_decision)."""
    submitted = (
        ExceptionTransition.objects.filter(
            exception=OuterRef("exception"), to_status=Status.SUBMITTED, at__lte=OuterRef("at")
        )
        .order_by("-at")
        .values("at")[:1]
    )
    return (
        _transitions(to_status__in=DECISIONS)
        .annotate(days=DaysBetween(F("at"), Subquery(submitted)))
        .filter(days__isnull=False)
        .values(
            d=TruncDate("at"),
            **_key("exception__"),
            ro=F("exception__route"),
            t=Cast(Round(F("days") * 10), IntegerField()),
        )
        .annotate(n=Count("id"))
    )


TABLES = (
    # (model, its columns, the query's aliases in the same order, the queries filling it)
    (
        ExceptionStatusFigure,
        ["region_id", "segment_id", "process_id", "status", "requests", "monthly_cost", "one_off_cost"],
        ["r", "s", "p", "st", "n", "mc", "oc"],
        (_status_figures,),
    ),
    (
        ExceptionDayFigure,
        [
            "day",
            "region_id",
            "segment_id",
            "process_id",
            "route",
            "created",
            "approved",
            "rejected",
            "withdrawn",
        ],
        ["d", "r", "s", "p", "ro", "n", "a", "rj", "w"],
        (_created_per_day, _moved_per_day),
    ),
    (
        DecisionTimeFigure,
        ["day", "region_id", "segment_id", "process_id", "route", "tenths", "decisions"],
        ["d", "r", "s", "p", "ro", "t", "n"],
        (_decision_times,),
    ),
)


def refresh() -> dict[str, int]:
    """Replace every summary table's rows with the figures of now; returns the rows written per table."""
    started = time.perf_counter()
    SummaryRefresh.objects.get_or_create(name=NAME)
    written = {}
    with transaction.atomic():
        SummaryRefresh.objects.select_for_update().get(name=NAME)  # a second run waits here
        with connection.cursor() as cursor:
            for model, columns, aliases, queries in TABLES:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
                written[model._meta.model_name] = sum(
                    insert_select(cursor, model, columns, aliases, query()) for query in queries
                )
        SummaryRefresh.objects.filter(name=NAME).update(
            refreshed_at=timezone.now(),
            rows=sum(written.values()),
            seconds=time.perf_counter() - started,
        )
    return written
