"""Reads of feedback items: the inbox, the confirmation queue, a customer's negative feedback, counts for cards,
a customer's figures for a period."""

from django.db.models import Count, Q, QuerySet

from feedback.access_rules import sentiment_confirmable
from feedback.models import FeedbackItem, Sentiment, Source
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


def customer_period(user, customer, *, since, until) -> dict:
    """A customer's feedback received in a period (a health review's facts, keyaccounts): items, NPS answers and
    NPS (promoters − detractors, % of answers), and the sentiments confirmed by a person, by kind. One query."""
    nps = Q(source=Source.NPS_SURVEY)
    confirmed = Q(sentiment__isnull=False, sentiment_confirmed=True)
    figures = (
        access.visible(user, FeedbackItem)
        .filter(customer=customer, received_on__gte=since, received_on__lte=until)
        .aggregate(
            items=Count("pk"),
            nps_answers=Count("pk", filter=nps),
            promoters=Count("pk", filter=nps & Q(score__gte=9)),
            detractors=Count("pk", filter=nps & Q(score__lte=6)),
            confirmed=Count("pk", filter=confirmed),
            **{
                f"confirmed_{value}": Count("pk", filter=confirmed & Q(sentiment=value))
                for value in Sentiment.values
            },
        )
    )
    answers = figures["nps_answers"]
    figures["nps"] = (
        round(100 * (figures["promoters"] - figures["detractors"]) / answers, 1) if answers else None
    )
    return figures
