"""Every read of health reviews, for the API and the pages alike: scoped by `access`, joins up front, constant
queries — the list, one review, the customer's card, the account manager's home card and the capacity view."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.accounts.models import User
from keyaccounts.health.filters import HORIZON_WEEKS, horizon, per_week
from keyaccounts.models import HealthReview, HealthReviewAction

OPEN = HealthReview.Status.OPEN
CARD_ACTIONS = 10


def reviews_for(user) -> QuerySet:
    """The reviews this user sees, with what a row shows (customer, tier, region, account manager)."""
    return access.visible(user, HealthReview).select_related(
        "customer__segment", "customer__region", "account_manager", "completed_by"
    )


def review_for_page(user, pk) -> HealthReview:
    """One review with its customer; 404 outside the user's scope."""
    return access.get_visible(user, reviews_for(user), pk=pk)


def actions_of(review: HealthReview) -> list[HealthReviewAction]:
    return list(review.actions.select_related("owner").order_by("due_on", "pk"))


def due_for_manager(user) -> QuerySet:
    """The open reviews of this account manager's customers, soonest due first (their home card)."""
    return (
        access.visible(user, HealthReview)
        .filter(Q(customer__account_manager=user) | Q(account_manager=user), status=OPEN)
        .select_related("customer__segment")
        .order_by("due_on", "pk")
    )


def customer_card(user, customer) -> dict:
    """The customer page's card: its latest reviews and the actions agreed at completed ones (two queries)."""
    reviews = list(reviews_for(user).filter(customer=customer).order_by("-period_starts_on", "-pk")[:4])
    actions = list(
        access.visible(user, HealthReviewAction)
        .filter(review__customer=customer)
        .select_related("owner", "review")
        .order_by("due_on", "pk")[:CARD_ACTIONS]
    )
    return {
        "reviews": reviews,
        "open": next((r for r in reviews if r.status == OPEN), None),
        "actions": actions,
    }


def capacity(user, *, today: datetime.date | None = None, manager: User | None = None) -> list[dict]:
    """Per account manager whose reviews the user sees: open reviews due within HORIZON_WEEKS (overdue
    included) against what the cadence allows (HEALTH_REVIEWS_PER_WEEK a week), most loaded first. One query."""
    today = today or timezone.localdate()
    allowed = per_week() * HORIZON_WEEKS
    rows = access.visible(user, HealthReview).filter(status=OPEN, account_manager__isnull=False)
    if manager is not None:
        rows = rows.filter(account_manager=manager)
    figures = (
        rows.values(
            "account_manager",
            "account_manager__username",
            "account_manager__first_name",
            "account_manager__last_name",
        )
        .annotate(
            open=Count("pk"),
            due=Count("pk", filter=Q(due_on__lte=horizon(today))),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
        .order_by()
    )
    out = []
    for row in figures:
        name = f"{row['account_manager__first_name']} {row['account_manager__last_name']}".strip()
        out.append(
            {
                "username": row["account_manager__username"],
                "name": name or row["account_manager__username"],
                "open": row["open"],
                "due": row["due"],
                "overdue": row["overdue"],
                "allowed": allowed,
                "over": row["due"] > allowed,
            }
        )
    return sorted(out, key=lambda r: (-r["due"] + r["allowed"], r["username"]))


def weeks() -> int:
    return HORIZON_WEEKS
