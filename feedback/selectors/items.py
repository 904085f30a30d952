"""Reads of feedback items: the inbox, the confirmation queue, a customer's negative feedback, counts for cards."""

from django.db.models import QuerySet

from feedback.access_rules import sentiment_confirmable
from feedback.models import FeedbackItem
from intimacy_ops import access


def items_for(user) -> QuerySet:
    """The items this user may see, with what a row shows (customer, its region and segment, process, author)."""
    return access.visible(user, FeedbackItem).select_related(
        "customer__region", "customer__segment", "process", "created_by", "sentiment_confirmed_by"
    )


def item_for(user, pk) -> FeedbackItem:
    return access.get_visible(user, items_for(user), pk=pk)


def to_confirm_for(user) -> QuerySet:
    """The confirmation queue: suggestions below the threshold on the customers this user may confirm for.
    An account manager's own customers; an operations lead's region; oldest first."""
    return items_for(user).to_confirm().filter(sentiment_confirmable(user)).order_by("received_on", "id")


def negative_for_customer(user, customer, limit: int = 10) -> list[FeedbackItem]:
    """The customer's latest negative items (a low score or a counted negative sentiment) the user may see."""
    return list(items_for(user).filter(customer=customer).negative().order_by("-received_on", "-id")[:limit])


def recent_for_customer(user, customer, limit: int = 5) -> list[FeedbackItem]:
    return list(items_for(user).filter(customer=customer).order_by("-received_on", "-id")[:limit])
