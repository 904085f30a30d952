"""The impact assessments of a page of reviews as `impact.current` shows one (issue 18, defect 4): an open
review's data figures computed now, for every review of the page in a fixed number of queries (the reviews
list API; `impact.current` would cost five queries per open review)."""

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone

from exceptions.models import ExceptionRequest
from governance.models import Review
from governance.services.impact import _money, merged
from segments.models import Customer, Segment


def prime(reviews: list[Review]) -> None:
    """Set `current_impact` on each review: what `impact.current(review)` answers, in at most seven queries."""
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
    subjects = {_subject(review) for review in reviews}
    figures = _figures(subjects, _owners(reviews))
    segments = _segments(reviews)
    today = timezone.localdate().isoformat()
    return {review.pk: _assess(review, figures, segments, today) for review in reviews}


def _owners(reviews: list[Review]) -> set[int]:
    """The customers whose own active request is under review (it is left out of its own figures)."""
    return {
        review.exception.customer_id
        for review in reviews
        if review.exception is not None and review.exception.status == ExceptionRequest.Status.ACTIVE
    }


def _figures(subjects: set[tuple], owners: set[int]) -> dict:
    """The page's subjects' figures, aggregated in the database (a few rows, whatever the number of active
    requests): per process and tag their count, cost and customers; per subject its first eleven distinct
    customer names with how many alike requests each holds; per owner its alike requests."""
    processes = {process for process, _tag in subjects}
    tags = {tag for _process, tag in subjects if tag}
    whole = {process for process, tag in subjects if not tag}  # untagged: every tag of the process is alike
    active = ExceptionRequest.objects.filter(process_id__in=processes, status=ExceptionRequest.Status.ACTIVE)
    per_tag = {
        (row["process_id"], row["deviation_tag"]): row
        for row in active.order_by()
        .values("process_id", "deviation_tag")
        .annotate(
            n=Count("pk"), cost=Sum("estimated_monthly_cost"), customers=Count("customer_id", distinct=True)
        )
    }
    per_process = defaultdict(lambda: {"n": 0, "cost": Decimal("0"), "customers": 0})
    for (process, _tag), row in per_tag.items():
        per_process[process]["n"] += row["n"]
        per_process[process]["cost"] += row["cost"] or Decimal("0")
    if whole:
        for process, customers in (
            active.filter(process_id__in=whole)
            .order_by()
            .values("process_id")
            .annotate(customers=Count("customer_id", distinct=True))
            .values_list("process_id", "customers")
        ):
            per_process[process]["customers"] = customers
    names = defaultdict(list)  # subject → [(name, alike requests under it)], by name
    if tags:
        for row in _first_names(active.filter(deviation_tag__in=tags), ["process_id", "deviation_tag"]):
            names[row["process_id"], row["deviation_tag"]].append((row["customer_name"], row["n"]))
    if whole:
        for row in _first_names(active.filter(process_id__in=whole), ["process_id"]):
            names[row["process_id"], ""].append((row["customer_name"], row["n"]))
    held = defaultdict(int)  # (customer, process, tag) → active requests; (customer, process, None) → any tag
    if owners:
        for customer, process, tag, n in (
            active.filter(customer_id__in=owners)
            .order_by()
            .values("customer_id", "process_id", "deviation_tag")
            .annotate(n=Count("pk"))
            .values_list("customer_id", "process_id", "deviation_tag", "n")
        ):
            held[customer, process, tag] += n
            held[customer, process, None] += n
    return {"per_tag": per_tag, "per_process": per_process, "names": names, "held": held}


def _first_names(active, partition: list[str]) -> list[dict]:
    """Per partition, the first eleven distinct customer names (ten to show, one more in case the request
    under review is the only one of its customer's) with the number of requests under each name: the
    grouped query ranked by a window function around it (Django puts a filtered window into the GROUP BY).

    Each request's customer name is read by a subquery on the customer's primary key, not a join: with a join
    PostgreSQL hashed all 100,000 customers for the 1,300 requests of a process (20 ms; 9 ms this way)."""
    name = Subquery(Customer.objects.filter(pk=OuterRef("customer_id")).order_by().values("name"))
    grouped = (
        active.order_by()
        .annotate(customer_name=name)
        .values(*partition, "customer_name")
        .annotate(n=Count("*"))
    )
    sql, params = grouped.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = [*partition, "customer_name", "n"]
    by = ", ".join(quote(name) for name in partition)
    ranked = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM (SELECT grouped.*, ROW_NUMBER() OVER "  # noqa: S608  (quoted column names and ORM SQL with params)
        f"(PARTITION BY {by} ORDER BY {quote('customer_name')}) AS name_rank FROM ({sql}) grouped) ranked "
        f"WHERE name_rank <= 11 ORDER BY {by}, name_rank"
    )
    with connection.cursor() as cursor:
        cursor.execute(ranked, params)
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _segments(reviews: list[Review]) -> dict[int, tuple[Segment, int]]:
    ids = {
        r.exception.customer.segment_id for r in reviews if r.exception and r.exception.customer.segment_id
    }
    if not ids:
        return {}
    # COUNT(*), not COUNT(id): the segment's index alone answers it (25,600 customers: 17 → 2.4 ms).
    served = dict(
        Customer.objects.filter(segment_id__in=ids)
        .order_by()
        .values("segment_id")
        .annotate(n=Count("*"))
        .values_list("segment_id", "n")
    )
    return {
        segment.pk: (segment, served.get(segment.pk, 0)) for segment in Segment.objects.filter(pk__in=ids)
    }


def _assess(review: Review, figures: dict, segments: dict, today: str) -> dict:
    """`impact.assess_impact(review)` from the page's figures (the request itself left out, as there)."""
    exception = review.exception
    process_id, tag = _subject(review)
    own = exception is not None and exception.status == ExceptionRequest.Status.ACTIVE
    process = figures["per_process"].get(process_id, {"n": 0, "cost": Decimal("0"), "customers": 0})
    alike = figures["per_tag"].get((process_id, tag), {"n": 0, "customers": 0}) if tag else process
    count, cost, same, customers = process["n"], process["cost"], alike["n"] if tag else 0, alike["customers"]
    # A name held only by the request under review is left out with it.
    gone = exception.customer.name if own else None
    names = [name for name, n in figures["names"].get((process_id, tag), []) if not (name == gone and n == 1)]
    if own:
        count, cost = count - 1, cost - (exception.estimated_monthly_cost or Decimal("0"))
        same = same - 1 if tag else 0
        if figures["held"][exception.customer_id, process_id, tag or None] == 1:
            customers -= 1  # the request under review was its customer's only alike one
    impact = {
        "similar_active": count,
        "similar_same_tag": same,
        "deviation_tag": tag,
        "customers_holding": customers,
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
