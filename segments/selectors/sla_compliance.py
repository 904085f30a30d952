"""SLA compliance by segment and priority, for the dashboard and the operations lead's home: one
aggregate query over the cases the user may see, the equity check over its (few) result rows.

Definitions (stated on the panel):
- *closed in the period*: resolved on a day from `since` to `until` (inclusive);
- *compliant*: closed without a breach: neither the response nor the resolution came after its due time
  (`cases.late_now`, the same test as the case list's `breached` filter);
- *compliance*: compliant ÷ closed, in per cent;
- *breached now*: still open and late now (whatever the period).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from intimacy_ops import access
from segments.models import Segment, ServiceCase
from segments.selectors.cases import late_now


def _closed_in(since: datetime.date, until: datetime.date) -> Q:
    return Q(resolved_at__isnull=False, resolved_at__date__gte=since, resolved_at__date__lte=until)


def scoped_cases(user, *, regions, segment=None):
    """The cases of the customers the user may see in `regions` (None: wherever they may see) and
    `segment`, whose customer has a segment."""
    cases = access.visible(user, ServiceCase).filter(customer__segment__isnull=False)
    if regions is not None:
        cases = cases.filter(customer__region__in=regions)
    if segment is not None:
        cases = cases.filter(customer__segment=segment)
    return cases


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in per cent with one decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def compliance_rows(user, *, regions, since, until, segment=None, now=None) -> list[dict]:
    """One row per segment and priority that has cases: closed, compliant, compliance %, open breached now.

    One query. Each row also carries `flag`: why it fails the equity check (a lower tier complying
    better than a higher tier at the same priority), or "".
    """
    now = now or timezone.now()
    closed = _closed_in(since, until)
    rows = (
        scoped_cases(user, regions=regions, segment=segment)
        .values("customer__segment_id", "customer__segment__name", "customer__segment__rank", "priority")
        .annotate(
            closed=Count("id", filter=closed),
            compliant=Count("id", filter=closed & ~late_now(now)),
            open_breached=Count("id", filter=Q(resolved_at__isnull=True) & late_now(now)),
        )
        .order_by("customer__segment__rank", "priority")
    )
    return table_of(
        {
            "segment_id": row["customer__segment_id"],
            "segment": row["customer__segment__name"],
            "rank": row["customer__segment__rank"],
            **{name: row[name] for name in ("priority", "closed", "compliant", "open_breached")},
        }
        for row in rows
    )


def table_of(rows) -> list[dict]:
    """The panel's rows from grouped figures (`segment_id`, `segment`, `rank`, `priority`, `closed`,
    `compliant`, `open_breached`, ordered by rank and priority), the equity check applied: live or summarised."""
    table = [
        {
            **row,
            "label": f"{row['segment']} {row['priority']}",
            "breached": row["closed"] - row["compliant"],
            "compliance": percent(row["compliant"], row["closed"]),
        }
        for row in rows
    ]
    _equity_check(table)
    return table


def _equity_check(table: list[dict]) -> None:
    """Flag each row whose tier complies better than a higher tier (lower rank) at the same priority,
    naming the worst such higher tier. The rows come ordered by rank, so higher tiers are seen first."""
    worst_above: dict[str, dict] = {}  # priority -> the higher tier's row with the lowest compliance so far
    for row in table:
        row["flag"] = ""
        if row["compliance"] is None:
            continue
        worst = worst_above.get(row["priority"])
        if worst is not None and row["compliance"] > worst["compliance"]:
            row["flag"] = (
                f"{row['segment']} {row['priority']} complies better ({row['compliance']} %) than the higher "
                f"tier {worst['segment']} ({worst['compliance']} %)."
            )
        if worst is None or row["compliance"] < worst["compliance"]:
            worst_above[row["priority"]] = row


def overall(user, *, regions, since, until, segment=None, now=None) -> dict:
    """The headline: compliance over every segment and priority, and open cases breached now (one query)."""
    now = now or timezone.now()
    closed = _closed_in(since, until)
    figures = scoped_cases(user, regions=regions, segment=segment).aggregate(
        closed=Count("id", filter=closed),
        compliant=Count("id", filter=closed & ~late_now(now)),
        open_breached=Count("id", filter=Q(resolved_at__isnull=True) & late_now(now)),
    )
    return {**figures, "compliance": percent(figures["compliant"], figures["closed"])}


def segment_choices(user) -> list[tuple[int, str]]:
    """The segments a user may filter the dashboard by: every tier (tiers are not regional), by rank."""
    return list(access.visible(user, Segment).order_by("rank").values_list("id", "name"))


def customer_period(user, customer, *, since, until, now=None) -> dict:
    """One customer's service in a period (a health review's facts, keyaccounts): cases opened and closed in it,
    closed within their SLA, breaches (closed late in the period, or open and late now) and compliance %. One
    query over the cases the user may see."""
    now = now or timezone.now()
    closed = _closed_in(since, until)
    figures = (
        access.visible(user, ServiceCase)
        .filter(customer=customer)
        .aggregate(
            opened=Count("id", filter=Q(opened_at__date__gte=since, opened_at__date__lte=until)),
            closed=Count("id", filter=closed),
            compliant=Count("id", filter=closed & ~late_now(now)),
            open_breached=Count("id", filter=Q(resolved_at__isnull=True) & late_now(now)),
        )
    )
    breached = figures["closed"] - figures["compliant"] + figures["open_breached"]
    return {**figures, "breached": breached, "compliance": percent(figures["compliant"], figures["closed"])}
