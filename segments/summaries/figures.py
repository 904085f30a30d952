"""SLA compliance's summary table: the query the refresh fills it with (through the kernel's
`summary_tables.rebuild`), and the panel's and the summary's figures read from it — the same rows as
segments/selectors/sla_compliance.py computes live, as of the last refresh ("open, breached now": at the
refresh).

`as_of(user)` says whether a user's figures may come from it: the table counts every case of a region whose
customer has a segment, which operations leads, board members, auditors and administrators see (the access
rule `read_region_figures`); for anyone else, or before the first refresh, it answers None and the figures
are computed live.
"""

import datetime as dt

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.dashboard.summary_tables import SummaryTable, rebuild
from intimacy_ops.dashboard.summary_tables import as_of as refreshed_at
from segments.models import ServiceCase
from segments.selectors.cases import late_now
from segments.selectors.sla_compliance import percent, table_of
from segments.summaries.models import SlaFigure

NAME = "segments.sla_compliance"


def _sla_figures():
    now = timezone.now()
    closed = Q(resolved_at__isnull=False)
    return (
        ServiceCase.objects.filter(customer__segment__isnull=False)
        .order_by()
        .values(
            d=TruncDate("resolved_at"),
            r=F("customer__region_id"),
            s=F("customer__segment_id"),
            p=F("priority"),
        )
        .annotate(
            c=Count("id", filter=closed),
            k=Count("id", filter=closed & ~late_now(now)),
            b=Count("id", filter=Q(resolved_at__isnull=True) & late_now(now)),
        )
    )


TABLES = (
    SummaryTable(
        SlaFigure,
        ["day", "region_id", "segment_id", "priority", "closed", "compliant", "open_breached"],
        ["d", "r", "s", "p", "c", "k", "b"],
        (_sla_figures,),
    ),
)


def refresh() -> dict[str, int]:
    return rebuild(NAME, TABLES)


def as_of(user) -> dt.datetime | None:
    if not access.allowed(user, "read_region_figures", ServiceCase):
        return None
    return refreshed_at(NAME)


def _sums(since: dt.date, until: dt.date) -> dict:
    period = Q(day__gte=since, day__lte=until)
    return {
        "closed": Coalesce(Sum("closed", filter=period), 0),
        "compliant": Coalesce(Sum("compliant", filter=period), 0),
        "open_breached": Coalesce(Sum("open_breached"), 0),
    }


def _rows(regions, segment):
    rows = SlaFigure.objects.filter(region_id__in=regions).order_by()
    return rows if segment is None else rows.filter(segment_id=segment)


def compliance_rows(*, regions, since, until, segment=None) -> list[dict]:
    """One row per segment and priority that has cases, as `sla_compliance.compliance_rows`. One query."""
    rows = (
        _rows(regions, segment)
        .values("segment_id", "priority", segment_name=F("segment__name"), rank=F("segment__rank"))
        .annotate(**_sums(since, until))
        .order_by("rank", "priority")
    )
    return table_of(
        {**{k: row[k] for k in ("segment_id", "rank", "priority", "closed", "compliant", "open_breached")},
         "segment": row["segment_name"]}
        for row in rows
    )  # fmt: skip


def overall(*, regions, since, until, segment=None) -> dict:
    figures = _rows(regions, segment).aggregate(**_sums(since, until))
    return {**figures, "compliance": percent(figures["compliant"], figures["closed"])}
