"""Reads of governance that pages share: the member's queue (STYLE.md: reads in selectors, writes in services)."""

from django.db.models import Q, QuerySet

from governance.access_rules import boards_of
from governance.models import CoOptedMember, DeclaredInterest, Review, Vote


def sits_on(user) -> Q:
    """Reviews this user sits on: their boards' (as member or chair) and those they are co-opted to."""
    boards = boards_of(user)
    co_opted = CoOptedMember.objects.filter(member=user).values("review_id")
    return Q(board__in=boards) | Q(pk__in=co_opted)


def waiting_for_vote(user) -> QuerySet:
    """Open reviews this user may vote on and has not: due soonest first (recused ones are not waiting)."""
    mine = Review.objects.filter(sits_on(user), status=Review.Status.OPEN)
    conflicted = (
        Q(exception__requested_by=user)
        | Q(exception__customer__account_manager=user)
        | Q(extension__requested_by=user)
        | Q(pk__in=Vote.objects.filter(member=user).values("review_id"))
        | Q(pk__in=DeclaredInterest.objects.filter(member=user).values("review_id"))
        | Q(
            pk__in=Review.covered.through.objects.filter(
                exceptionrequest__customer__account_manager=user
            ).values("review_id")
        )
    )
    return mine.exclude(conflicted).order_by("due_on", "id")


def other_open_reviews(user) -> QuerySet:
    """Open reviews of this user's boards that do not wait for their vote (voted, recused), due soonest first."""
    waiting = waiting_for_vote(user).values("pk")
    return (
        Review.objects.filter(sits_on(user), status=Review.Status.OPEN)
        .exclude(pk__in=waiting)
        .order_by("due_on", "id")
    )
