"""Reading health scores for people (the card, the list, the home card, the dashboard panel, the API).

"The current score" of a customer is its row of the latest day scored: the check scores every customer
each run, in one transaction, so that day holds a whole run. Every read starts from `access.visible`.
"""

import datetime

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.urls import reverse

from intimacy_ops import access
from keyaccounts.models import HealthScore
from keyaccounts.score import parts as P

SPARK_DAYS = 90
PANEL_NAMED = 3  # customers named per segment in the panel's flag


def latest_day() -> datetime.date | None:
    return HealthScore.objects.aggregate(day=Max("computed_on"))["day"]


def current_scores(user) -> QuerySet:
    """The latest day's scores the user may see, with their customers."""
    day = latest_day()
    rows = access.visible(user, HealthScore)
    if day is None:
        return rows.none()
    return rows.filter(computed_on=day).select_related(
        "customer__segment", "customer__region", "customer__account_manager"
    )


def part_links(customer_id: int, part: dict) -> list[tuple[str, str]]:
    """The lists behind a part, with the filters it was computed with: (label, url)."""
    since, until = part["since"], part["until"]
    customer_page = reverse("segments:customer-detail", args=[customer_id])
    cases = reverse("segments:case-list")
    key = part["key"]
    if key == "sla_compliance":
        return [
            ("closed cases", f"{cases}?customer={customer_id}&closed_after={since}&closed_before={until}")
        ]
    if key == "breaches":
        query = f"customer={customer_id}&opened_after={since}&opened_before={until}&breached=true"
        return [("breached cases", f"{cases}?{query}")]
    if key == "escalations":
        return [("escalations", f"{customer_page}#history")]
    if key == "negative_feedback":
        query = f"customer={customer_id}&sentiment=negative&to_confirm=false&received_after={since}&received_before={until}"
        return [("feedback", f"{reverse('feedback:list')}?{query}")]
    if key == "past_dates":
        yesterday = (datetime.date.fromisoformat(until) - datetime.timedelta(days=1)).isoformat()
        query = f"customer={customer_id}&status=active&expires_before={yesterday}"
        return [
            ("exceptions", f"{reverse('exceptions:list')}?{query}"),
            ("conditions", f"{customer_page}#history"),
        ]
    query = f"customer={customer_id}&started_after={since}&started_before={until}"
    return [("incidents", f"{reverse('incidents:list')}?{query}")]


def sparkline(customer_id: int, day: datetime.date, width: int = 180, height: int = 36) -> dict | None:
    """The last SPARK_DAYS days of scores as an SVG polyline (0 at the bottom, 100 at the top)."""
    rows = list(
        HealthScore.objects.filter(
            customer_id=customer_id, computed_on__gt=day - datetime.timedelta(days=SPARK_DAYS)
        )
        .order_by("computed_on")
        .values_list("computed_on", "score")
    )
    if len(rows) < 2:
        return None
    first = day - datetime.timedelta(days=SPARK_DAYS - 1)
    points = " ".join(
        f"{(on - first).days * width / (SPARK_DAYS - 1):.1f},{height - score * height / 100:.1f}"
        for on, score in rows
    )
    return {"points": points, "width": width, "height": height, "first": rows[0], "last": rows[-1]}


def card(user, customer) -> dict | None:
    """The customer page's health card: the current score, its parts with their lists, the trend (None: the
    user may not see this customer's score)."""
    if not access.allowed_in_scope(user, "view_health", customer):
        return None
    row = (
        access.visible(user, HealthScore)
        .filter(customer=customer)
        .select_related("weights__set_by")
        .order_by("-computed_on")
        .first()
    )
    if row is None:
        return {"score": None}
    parts = [{**part, "links": part_links(customer.pk, part)} for part in row.parts]
    return {
        "score": row,
        "parts": parts,
        "explanation": P.explain(row.score, row.parts),
        "spark": sparkline(customer.pk, row.computed_on),
    }


def below_line_of_manager(user) -> QuerySet:
    """The account manager's own customers below their line, lowest first."""
    return (
        current_scores(user)
        .filter(customer__account_manager=user, below_line=True)
        .order_by("score", "customer__name", "pk")
    )


def panel_rows(user, filters) -> list[dict]:
    """Per segment, in the dashboard's regions and segment: customers scored, below the line, lowest score.
    One aggregate query."""
    day = latest_day()
    if day is None:
        return []
    rows = access.visible(user, HealthScore).filter(computed_on=day, customer__region_id__in=filters.regions)
    if filters.segment is not None:
        rows = rows.filter(customer__segment_id=filters.segment)
    grouped = (
        rows.values(
            ref=F("customer__segment_id"),
            name=F("customer__segment__name"),
            rank=F("customer__segment__rank"),
        )
        .annotate(scored=Count("pk"), below=Count("pk", filter=Q(below_line=True)), lowest=Min("score"))
        .order_by(F("rank").asc(nulls_last=True), "name")
    )
    names: dict[int | None, list[str]] = {}
    lowest = (
        rows.filter(below_line=True)
        .order_by("score", "customer__name")
        .values_list("customer__segment_id", "customer__name", "score")
    )
    for segment_id, name, score in lowest[: PANEL_NAMED * 20]:
        if len(names.setdefault(segment_id, [])) < PANEL_NAMED:
            names[segment_id].append(f"{name} ({score})")
    return [
        {**row, "name": row["name"] or "No segment", "lowest_customers": names.get(row["ref"], [])}
        for row in grouped
    ]
