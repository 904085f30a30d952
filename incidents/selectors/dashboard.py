"""The incidents panels' figures (incidents/dashboard.py), aggregate SQL only, scoped by `access` and the
dashboard's filters: the incidents started in the period touching the chosen regions (and naming the chosen
process), each with its affected customers of those regions and that segment, the goodwill they were given
(recorded, requested) and their recovery (incidents/selectors/recovery.py); and goodwill given in the period per
segment and region. Three queries for the affected and goodwill per incident (incidents, affected, goodwill),
four for their recovery (incidents, three of recovery), one for goodwill by segment and region, whatever the
number of incidents or customers.
"""

from django.db.models import Count, Exists, OuterRef, Q, Sum

from incidents.models import AffectedCustomer, Goodwill, Incident
from incidents.selectors import recovery
from intimacy_ops import access

LIMIT = 50  # incidents in the panel, newest first (the incident list has them all)
STATUS = Goodwill.Status


def _customers(queryset, filters):
    """Rows about customers of the chosen regions (and segment)."""
    queryset = queryset.filter(customer__region__in=filters.regions)
    if filters.segment is not None:
        queryset = queryset.filter(customer__segment=filters.segment)
    return queryset


def incidents_in_period(user, filters):
    rows = access.visible(user, Incident).filter(
        started_at__date__gte=filters.since, started_at__date__lte=filters.until
    )
    regions = Incident.regions.through.objects.filter(
        incident_id=OuterRef("pk"), region_id__in=filters.regions
    )
    rows = rows.filter(Exists(regions))
    if filters.process is not None:
        named = Incident.processes.through.objects.filter(
            incident_id=OuterRef("pk"), process_id=filters.process
        )
        rows = rows.filter(Exists(named))
    return list(rows.order_by("-started_at", "-pk").values("pk", "title", "status", "started_at")[:LIMIT])


def _pct(share):
    return None if share is None else round(share * 100, 1)


def _label(title: str) -> str:
    """The incident as the panels' narrow tables and charts name it (its page has the whole title)."""
    return title if len(title) <= 32 else title[:31].rstrip() + "…"


def _row(incident: dict) -> dict:
    return {
        "ref": incident["pk"],
        "title": incident["title"],
        "label": _label(incident["title"]),
        "status": Incident.Status(incident["status"]).label,
        "started_on": incident["started_at"].date(),
    }


def affected_and_goodwill(user, filters) -> list[dict]:
    """Per incident: its affected customers (of the chosen regions and segment) and the goodwill they were given."""
    incidents = incidents_in_period(user, filters)
    if not incidents:
        return []
    ids = [row["pk"] for row in incidents]
    affected = dict(
        _customers(access.visible(user, AffectedCustomer).filter(incident__in=ids), filters)
        .order_by()
        .values("incident_id")
        .annotate(n=Count("pk"))
        .values_list("incident_id", "n")
    )
    given = {
        row.pop("incident_id"): row
        for row in _customers(access.visible(user, Goodwill).filter(incident__in=ids), filters)
        .order_by()
        .values("incident_id")
        .annotate(
            goodwill_recorded=Sum("amount", filter=Q(status=STATUS.RECORDED)),
            goodwill_requested=Sum("amount", filter=Q(status=STATUS.REQUESTED)),
            goodwill_customers=Count("customer", distinct=True),
        )
    }
    empty = {"goodwill_recorded": None, "goodwill_requested": None, "goodwill_customers": 0}
    return [
        {**_row(row), "affected": affected.get(row["pk"], 0), **empty, **given.get(row["pk"], {})}
        for row in incidents
    ]


def recovery_rows(user, filters) -> list[dict]:
    """Per incident: the recovery of its affected customers (of the chosen regions and segment)."""
    incidents = incidents_in_period(user, filters)
    if not incidents:
        return []
    affected = _customers(access.visible(user, AffectedCustomer), filters)
    spans = [recovery.Span(row["pk"], row["started_at"]) for row in incidents]
    figures = recovery.by_incident(affected, spans)
    out = []
    for row in incidents:
        shown = recovery.present(figures[row["pk"]])
        out.append(
            {
                **_row(row),
                **{key: shown[key] for key in KEYS},
                "negative_share_before": _pct(shown["negative_share_before"]),
                "negative_share_after": _pct(shown["negative_share_after"]),
            }
        )
    return out


KEYS = (
    "affected", "cases_before", "cases_after", "feedback_before", "feedback_after", "reduced_or_ended", "complete",
)  # fmt: skip


def goodwill_by_segment_and_region(user, filters) -> list[dict]:
    given = _customers(
        access.visible(user, Goodwill).filter(
            given_at__date__gte=filters.since, given_at__date__lte=filters.until
        ),
        filters,
    )
    rows = (
        given.order_by()
        .values(
            "customer__segment_id",
            "customer__segment__name",
            "customer__segment__rank",
            "customer__region__code",
        )
        .annotate(
            recorded=Sum("amount", filter=Q(status=STATUS.RECORDED)),
            requested=Sum("amount", filter=Q(status=STATUS.REQUESTED)),
            customers=Count("customer", distinct=True),
            incidents=Count("incident", distinct=True),
        )
        .order_by("customer__segment__rank", "customer__region__code")
    )
    return [
        {
            "segment_ref": row["customer__segment_id"],
            "segment": row["customer__segment__name"] or "No segment",
            "region": row["customer__region__code"],
            "recorded": row["recorded"],
            "requested": row["requested"],
            "customers": row["customers"],
            "incidents": row["incidents"],
        }
        for row in rows
    ]
