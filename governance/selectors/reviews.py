"""Reads of governance that pages share: the member's queue (STYLE.md: reads in selectors, writes in services)."""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from exceptions.models import ExceptionRequest, ExtensionRequest
from governance.access_rules import boards_of, sits_on_a_board
from governance.models import Board, CoOptedMember, DeclaredInterest, Review, Vote
from governance.standard.models import StandardChange
from intimacy_ops import access
from intimacy_ops.accounts import delegation
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role


def sits_on(user) -> Q:
    """Reviews this user sits on: their boards' (as member or chair) and those they are co-opted to."""
    co_opted = CoOptedMember.objects.filter(member=user).values("review_id")
    return Q(board__in=boards_of(user)) | Q(pk__in=co_opted)


def _conflicted(user) -> Q:
    """Reviews this user may not vote on, or has already: their own request or customer's, one voted on,
    one with a declared interest, a proposal covering a customer they manage.

    Each part a subquery driven by an index on the user (their requests, their customers' requests): asked
    through joins, PostgreSQL joined every open review to its request and customer to test them — a pass over
    every request to count a member's waiting reviews (17-38 ms at 25,000 requests, bench/README.md)."""
    raised = ExceptionRequest.objects.filter(requested_by=user).values("id")
    of_their_customers = ExceptionRequest.objects.filter(customer__account_manager=user).values("id")
    return (
        Q(exception__in=raised)
        | Q(exception__in=of_their_customers)
        | Q(extension__in=ExtensionRequest.objects.filter(requested_by=user).values("id"))
        | Q(pk__in=Vote.objects.filter(member=user).values("review_id"))
        | Q(pk__in=DeclaredInterest.objects.filter(member=user).values("review_id"))
        | Q(
            pk__in=Review.covered.through.objects.filter(
                exceptionrequest__customer__account_manager=user
            ).values("review_id")
        )
    )


def waiting_for_vote(user) -> QuerySet:
    """Open reviews this user may vote on and has not: due soonest first (recused ones are not waiting); and
    those waiting for the vote of a member they stand in for while away (accounts/delegation.py), each such
    row's `on_behalf_of_name` naming that member (empty when none) and `own_vote_waits` saying whether the
    user's own vote waits on it too."""
    mine = sits_on(user) & ~_conflicted(user)
    held = [(p, sits_on(p) & ~_conflicted(p)) for p in delegation.principals_for(user)]
    waiting = Q(mine)
    for _, theirs in held:
        waiting |= theirs
    name = Case(*(When(theirs, then=Value(p.display_name)) for p, theirs in held), default=Value(""))
    return (
        Review.objects.filter(waiting, status=Review.Status.OPEN)
        .annotate(
            on_behalf_of_name=name if held else Value(""),
            own_vote_waits=Case(
                When(mine, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("due_on", "id")
    )


def for_rows(reviews: QuerySet) -> QuerySet:
    """What a list row of reviews shows (governance/_review_rows.html): the request, its customer, region
    and process, the board, and the number of votes, in one query whatever the number of rows."""
    votes = (
        Vote.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return reviews.select_related("board", "exception__customer__region", "exception__process").annotate(
        vote_count=Subquery(votes, output_field=IntegerField())
    )


def rows_by_id(ids: list[int]) -> QuerySet:
    """A page of reviews found already (their ids passed the list's scope and filters), read for its rows."""
    return for_rows(Review.objects.filter(pk__in=ids))


def waiting_rows_by_id(ids: list[int]) -> QuerySet:
    """A page of `waiting_for_vote` for someone who stands in for nobody: every row waits for their own vote."""
    return rows_by_id(ids).annotate(on_behalf_of_name=Value(""), own_vote_waits=Value(True))


def stands_in(user) -> bool:
    """Whether the user votes on someone's behalf now (accounts/delegation.py)."""
    return bool(delegation.principals_for(user))


def other_open_reviews(user) -> QuerySet:
    """Below those waiting for your vote: the other open reviews of your boards (voted, recused); for those
    who sit on no board, every open review they may see. Due soonest first."""
    reviews = access.visible(user, Review).filter(status=Review.Status.OPEN)
    if sits_on_a_board(user):
        # The complement of `waiting_for_vote` among the open reviews they sit on: those conflicted (voted,
        # recused…), asked directly — not `NOT IN (waiting…)`, a nested join per open review (bench/README.md).
        reviews = reviews.filter(sits_on(user)).filter(_conflicted(user))
    return reviews.order_by("due_on", "id")


def boards_with_history(user) -> list:
    """The boards whose decision history the queue links to: your boards; all of them for those who read
    across boards (auditors, process owners, administrators) and sit on none."""
    boards = list(Board.objects.filter(pk__in=boards_of(user)).order_by("name"))
    if not boards and access.allowed(user, "read_every_history", Board):
        boards = list(Board.objects.order_by("name"))
    return boards


def co_opt_candidates(*, exclude):
    """Who a chair may co-opt as a substitute: board members and chairs, process owners, operations leads."""
    return (
        people_with_role(Role.BOARD_MEMBER, Role.PROCESS_OWNER, Role.OPERATIONS_LEAD)
        .exclude(pk__in=exclude)
        .order_by("username")
    )


def standard_change_of(review: Review):
    """A change-to-the-standard review's pending version and the version in effect (None for other kinds)."""
    if review.kind != Review.Kind.STANDARD_CHANGE:
        return None
    return (
        StandardChange.objects.select_related("version", "previous")
        .prefetch_related("affected_customers")
        .filter(review=review)
        .first()
    )


def impact_waiting_for(user) -> QuerySet:
    """Open reviews on this user's processes whose impact assessment they have not written yet (a request's
    process, or the process a proposal is about): oldest first, with what the card shows."""
    owned = Q(exception__process__owner=user) | Q(process__owner=user)
    return (
        access.visible(user, Review)
        .filter(owned, status=Review.Status.OPEN, impact_updated_at__isnull=True)
        .select_related("exception__customer", "exception__process", "process", "board")
        .order_by("opened_at", "id")
    )
