"""Escalations about one customer: the customer page's history (issue 16, item 6).

Escalations point at any subject (a case, a review, a condition…). Apps declare which of their subjects
belong to a customer, and by which lookup, from their `checks` modules (where they raise them):
`about.register_customer_subject(ServiceCase, "customer")`, `(Review, "exception__customer")`. The kernel
names no business model: it joins each registered content type with the ids its lookup finds.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from intimacy_ops import access
from intimacy_ops.escalations.models import Escalation

_subjects: dict[type, str] = {}


def register_customer_subject(model: type, lookup: str) -> None:
    """Escalations on `model` rows whose `lookup` (a customer id path, e.g. "customer") equals a customer
    belong to that customer's history."""
    _subjects[model] = lookup


def about_customer(user, customer_id: int) -> QuerySet:
    """The escalations this user may see whose subject belongs to the customer: open first, newest first."""
    where = Q()
    for model, lookup in _subjects.items():
        ids = model._default_manager.filter(**{lookup: customer_id}).values("pk")
        where |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    if not where:
        return Escalation.objects.none()
    return (
        access.visible(user, Escalation)
        .filter(where)
        .select_related("target_user", "acknowledged_by")
        .order_by(F("resolved_at").asc(nulls_first=True), "-raised_at", "-id")
    )


def open_by_customer(at) -> dict[int, int]:
    """How many escalations were open at `at` per customer (raised by then, not resolved by then), over every
    registered kind of subject: one `GROUP BY` query per kind, whatever the number of customers (the health
    score's part, keyaccounts/score)."""
    counts: dict[int, int] = {}
    open_then = Q(raised_at__lte=at) & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=at))
    for model, lookup in _subjects.items():
        owner = model._default_manager.filter(pk=OuterRef("object_id")).values(lookup)[:1]
        rows = (
            Escalation.objects.filter(open_then, content_type=ContentType.objects.get_for_model(model))
            .annotate(customer_id=Subquery(owner))
            .exclude(customer_id__isnull=True)
            .values("customer_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["customer_id"]] = counts.get(row["customer_id"], 0) + row["n"]
    return counts


def about_customers(customer_ids) -> QuerySet:
    """Every escalation whose subject belongs to one of these customers (`customer_ids`: a queryset of ids or a
    list), unscoped: for figures about a set of customers the caller has already chosen (an incident's trust
    impact). One query, whatever the set's size: each registered lookup is a subquery."""
    where = Q()
    for model, lookup in _subjects.items():
        ids = model._default_manager.filter(**{f"{lookup}__in": customer_ids}).values("pk")
        where |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    if not where:
        return Escalation.objects.none()
    return Escalation.objects.filter(where)


def customer_subjects() -> list[tuple[type, str]]:
    """Every registered (model, customer lookup): for a check that reacts to escalations about customers."""
    return list(_subjects.items())
