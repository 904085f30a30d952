"""The impact assessments of a page of reviews as `impact.current` shows one (issue 18, defect 4): an open
review's data figures computed now, for every review of the page in a fixed number of queries (the reviews
list API; `impact.current` would cost five queries per open review)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from exceptions.models import ExceptionRequest
from governance.models import Review
from governance.services.impact import _money, merged
from segments.models import Customer, Segment


def prime(reviews: list[Review]) -> None:
    """Set `current_impact` on each review: what `impact.current(review)` answers, in at most three queries."""
    live = [review for review in reviews if review.status == Review.Status.OPEN and review.impact]
    for review in reviews:
        review.current_impact = review.impact or {}
    if not live:
        return
    fresh = _assess_many(live)
    for review in live:
        review.current_impact = merged(review, fresh[review.pk])


def _subject(review: Review) -> tuple[int | None, str]:
    exception = review.exception
    return (
        (exception.process_id, exception.deviation_tag)
        if exception
        else (review.process_id, review.deviation_tag)
    )


def _assess_many(reviews: list[Review]) -> dict[int, dict]:
    processes = {_subject(review)[0] for review in reviews}
    # One row per process, tag and customer among the active exceptions: counts, costs, customers and names.
    rows = list(
        ExceptionRequest.objects.filter(process_id__in=processes, status=ExceptionRequest.Status.ACTIVE)
        .values("process_id", "deviation_tag", "customer_id", "customer__name")
        .annotate(n=Count("pk"), cost=Sum("estimated_monthly_cost"))
        .order_by("customer__name", "customer_id", "deviation_tag")
    )
    segments = _segments(reviews)
    today = timezone.localdate().isoformat()
    return {review.pk: _assess(review, rows, segments, today) for review in reviews}


def _segments(reviews: list[Review]) -> dict[int, tuple[Segment, int]]:
    ids = {
        r.exception.customer.segment_id for r in reviews if r.exception and r.exception.customer.segment_id
    }
    if not ids:
        return {}
    served = dict(
        Customer.objects.filter(segment_id__in=ids)
        .order_by()
        .values("segment_id")
        .annotate(n=Count("pk"))
        .values_list("segment_id", "n")
    )
    return {
        segment.pk: (segment, served.get(segment.pk, 0)) for segment in Segment.objects.filter(pk__in=ids)
    }


def _assess(review: Review, rows: list[dict], segments: dict, today: str) -> dict:
    """`impact.assess_impact(review)` from the page's rows (the request itself left out, as there)."""
    exception = review.exception
    process_id, tag = _subject(review)
    own = (
        (exception.deviation_tag, exception.customer_id, exception.estimated_monthly_cost or Decimal("0"))
        if exception is not None and exception.status == ExceptionRequest.Status.ACTIVE
        else None
    )
    count, cost, alike = 0, Decimal("0"), defaultdict(int)  # alike: customer id → how many they hold
    names = []
    for row in rows:
        if row["process_id"] != process_id:
            continue
        n, money = row["n"], row["cost"] or Decimal("0")
        if own is not None and (row["deviation_tag"], row["customer_id"]) == own[:2]:
            n, money = n - 1, money - own[2]
        if n <= 0:
            continue
        count, cost = count + n, cost + money
        if not tag or row["deviation_tag"] == tag:
            alike[row["customer_id"]] += n
            if row["customer__name"] not in names:
                names.append(row["customer__name"])
    impact = {
        "similar_active": count,
        "similar_same_tag": sum(alike.values()) if tag else 0,
        "deviation_tag": tag,
        "customers_holding": len(alike),
        "customer_names": names[:10],
        "segment": "",
        "segment_customers": None,
        "segment_capacity": None,
        "capacity_effect": "",
        "monthly_cost_request": _money(exception.estimated_monthly_cost if exception else 0),
        "monthly_cost_similar": _money(cost),
        "risk": exception.risk_rating if exception else "",
        "notes": "",
        "prefilled_on": today,
    }
    segment_id = exception.customer.segment_id if exception else None
    if segment_id in segments:
        segment, served = segments[segment_id]
        impact.update(
            segment=segment.name,
            segment_customers=served,
            segment_capacity=segment.capacity,
            capacity_effect=(
                f"{segment.name} serves {served} of {segment.capacity} customers"
                + (": over capacity." if served > segment.capacity else ".")
            ),
        )
    return impact
