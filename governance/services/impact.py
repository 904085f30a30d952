"""The process owner's impact assessment of a review: prefilled from data when the review opens, then edited by
the owner. Stored flat in `Review.impact` (JSON) so the API, the page and the audit trail read the same keys.

    similar_active        active exceptions on the same process (this request excluded)
    similar_same_tag      of those, with the same deviation_tag (the "alike" ones)
    deviation_tag         the tag compared on
    customers_holding     distinct customers holding the alike ones (the same tag; every similar one if untagged)
    customer_names        up to 10 of them (prefill only)
    segment, segment_customers, segment_capacity, capacity_effect
                          the customer's segment: how many customers it serves vs its capacity
    monthly_cost_request  the request's estimated monthly cost
    monthly_cost_similar  the estimated monthly cost of the similar active exceptions
    risk                  low | medium | high | critical
    notes                 the owner's words
    edited                the fields the owner set to a value of their own (kept as they wrote them)

While the review is open, `current` shows the data's figures as they are today (similar active exceptions,
the segment's load after a tier change), except the fields the owner edited; a closed review shows what the
board decided on.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from exceptions.models import ExceptionRequest, RiskRating
from governance.models import Review
from intimacy_ops import audit, errors, lifecycle

EDITABLE = {
    "similar_active": "count",
    "similar_same_tag": "count",
    "customers_holding": "count",
    "capacity_effect": "text",
    "monthly_cost_request": "money",
    "monthly_cost_similar": "money",
    "risk": "risk",
    "notes": "text",
}


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def assess_impact(review: Review) -> dict:
    """The assessment prefilled from data: similar active exceptions, customers, capacity, cost, risk."""
    exception = review.exception
    process_id = exception.process_id if exception else review.process_id
    tag = exception.deviation_tag if exception else review.deviation_tag
    similar = ExceptionRequest.objects.filter(process_id=process_id, status=ExceptionRequest.Status.ACTIVE)
    if exception is not None:
        similar = similar.exclude(pk=exception.pk)
    alike = similar.filter(deviation_tag=tag) if tag else similar
    figures = similar.aggregate(count=Count("pk"), cost=Sum("estimated_monthly_cost"))
    names = list(alike.order_by("customer__name").values_list("customer__name", flat=True).distinct()[:10])
    impact = {
        "similar_active": figures["count"],
        "similar_same_tag": alike.count() if tag else 0,
        "deviation_tag": tag,
        "customers_holding": alike.values("customer").distinct().count(),
        "customer_names": names,
        "segment": "",
        "segment_customers": None,
        "segment_capacity": None,
        "capacity_effect": "",
        "monthly_cost_request": _money(exception.estimated_monthly_cost if exception else 0),
        "monthly_cost_similar": _money(figures["cost"]),
        "risk": exception.risk_rating if exception else "",
        "notes": "",
        "prefilled_on": timezone.localdate().isoformat(),
    }
    segment = exception.customer.segment if exception else None
    if segment is not None:
        served = segment.customers.count()
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


# What the owner writes in their own words; never replaced by the data's figures.
OWN_WORDS = {"notes"}


def _edited(impact: dict, updated: bool) -> set[str]:
    if "edited" in impact:
        return set(impact["edited"])
    return set(EDITABLE) if updated else set()  # edited before the list was kept: all of it is theirs


def current(review: Review) -> dict:
    """The assessment to show: an open review's figures computed now (the owner's edits kept), a closed
    review's as stored."""
    stored = review.impact or {}
    if review.status != Review.Status.OPEN or not stored:
        return stored
    return merged(review, assess_impact(review))


def merged(review: Review, fresh: dict) -> dict:
    """An open review's stored assessment with the data's `fresh` figures over every field the owner left."""
    stored = review.impact or {}
    mine = _edited(stored, review.impact_updated_at is not None) | OWN_WORDS
    return {**stored, **{name: value for name, value in fresh.items() if name not in mine}}


def _clean(name: str, kind: str, value):
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("Enter a whole number, 0 or more.")
        try:
            number = int(value)
        except ValueError:
            raise ValueError("Enter a whole number, 0 or more.") from None
        if number < 0:
            raise ValueError("Enter a whole number, 0 or more.")
        return number
    if kind == "money":
        try:
            amount = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValueError("Enter an amount such as 1250.00.") from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            raise ValueError("Enter an amount such as 1250.00, 0 or more.")
        return _money(amount)
    if kind == "risk":
        if value not in RiskRating.values:
            raise ValueError(f"Choose one of: {', '.join(RiskRating.values)}.")
        return value
    if not isinstance(value, str) or len(value) > 4000:
        raise ValueError("Enter text (at most 4000 characters).")
    return value.strip()


def update_impact(*, review: Review, actor, **fields) -> Review:
    """The process owner corrects or completes the impact assessment of an open review."""
    unknown = sorted(set(fields) - set(EDITABLE))
    problems = {name: ["Not a field of the impact assessment."] for name in unknown}
    cleaned = {}
    for name, value in fields.items():
        if name in EDITABLE:
            try:
                cleaned[name] = _clean(name, EDITABLE[name], value)
            except ValueError as problem:
                problems[name] = [str(problem)]
    if problems:
        raise errors.ValidationFailed(problems)
    if not cleaned:
        raise errors.ValidationFailed(message="Change at least one field of the impact assessment.")
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("exception__process", "process")
            .get(pk=review.pk)
        )
        process = review.exception.process if review.exception_id else review.process
        if process is None or process.owner_id != actor.pk:
            raise errors.PermissionDenied("Only the process's owner edits the impact assessment.")
        lifecycle.require_state(review, "edit the impact", {Review.Status.OPEN})
        before = {name: review.impact.get(name) for name in cleaned}
        # A field set to what the data says today stays live; one set to another value is the owner's.
        fresh = assess_impact(review)
        differs = {name for name, value in cleaned.items() if value != fresh.get(name)}
        edited = (_edited(review.impact, review.impact_updated_at is not None) - set(cleaned)) | differs
        review.impact = {**review.impact, **cleaned, "edited": sorted(edited)}
        review.impact_updated_at = timezone.now()
        review.impact_updated_by = actor
        review.save(update_fields=["impact", "impact_updated_at", "impact_updated_by"])
        audit.record(actor=actor, verb="review.impact_updated", obj=review, before=before, after=cleaned)
    return review
