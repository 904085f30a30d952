"""Reads of threshold policies and the proposals (standardize or sunset) they open, for the API and the
pages alike: scoped by `access`, with their counts annotated in the same query."""

from django.db.models import Count, Q, QuerySet

from exceptions.models import ExceptionRequest
from governance.models import Review, ThresholdPolicy
from intimacy_ops import access

PROPOSALS = (Review.Kind.STANDARDIZATION, Review.Kind.SUNSET)


def with_open_reviews(queryset: QuerySet) -> QuerySet:
    """Policies with how many reviews each has open now."""
    return queryset.select_related("process", "segment", "created_by").annotate(
        open_reviews=Count("reviews", filter=Q(reviews__status=Review.Status.OPEN))
    )


def policies_for(user) -> QuerySet:
    """The threshold policies this user sees, active first, by name."""
    return with_open_reviews(access.visible(user, ThresholdPolicy)).order_by("-is_active", "name", "id")


def proposals_for(user) -> QuerySet:
    """The standardization and sunset proposals this user sees, with their board, process and policy."""
    return (
        access.visible(user, Review)
        .filter(kind__in=PROPOSALS)
        .select_related("board__chair", "process__owner", "policy", "decided_by")
    )


def open_proposals_for(user) -> QuerySet:
    """Open proposals, each with how many exceptions it covers, due soonest first."""
    return (
        proposals_for(user)
        .filter(status=Review.Status.OPEN)
        .annotate(covered_count=Count("covered", distinct=True))
        .order_by("due_on", "id")
    )


def covered_by(user, review: Review) -> QuerySet:
    """The exceptions a proposal covers, among those this user may see, by customer."""
    return (
        access.visible(user, ExceptionRequest)
        .filter(pk__in=review.covered.values("pk"))
        .select_related("customer__region", "customer__account_manager")
        .order_by("customer__name", "pk")
    )
