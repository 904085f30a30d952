"""Who sees what in governance: boards are known to everyone signed in; a review is seen by its board's
members and chair, by members co-opted to it, by the owner of the process it concerns, and by whoever may
see the request under review."""

from django.db.models import Q

from exceptions.models import ExceptionRequest
from governance.models import Board, CoOptedMember, Review
from intimacy_ops import access

# --- relationships to a board, defined once (reviews, meetings, lifecycles ask these) ---------------


def boards_of(user):
    """The boards a user sits on, as member or chair (a subquery)."""
    return Board.objects.filter(Q(members=user) | Q(chair=user)).values("id")


def chairs(user, board: Board) -> bool:
    """The chair of this board."""
    return user is not None and board.chair_id is not None and board.chair_id == user.pk


def sits_on(user, board: Board) -> bool:
    """A member or the chair of this board."""
    return chairs(user, board) or board.members.filter(pk=user.pk).exists()


@access.register_scope(Board)
def _boards(user, queryset):
    return queryset


@access.register_scope(Review)
def _reviews(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    on_board = Q(board__in=boards_of(user))
    co_opted = Q(pk__in=CoOptedMember.objects.filter(member=user).values("review_id"))
    owner = Q(exception__process__owner=user) | Q(process__owner=user)
    return queryset.filter(
        on_board | co_opted | owner | Q(exception__in=access.visible(user, ExceptionRequest).values("pk"))
    )


@access.register_rule(Board, "view")
@access.register_rule(Review, "view")
def _may_view(user, obj):
    return True


# --- the review lifecycle's *who* for a person (governance/lifecycles.py) --------------------------


@access.register_rule(Review, "decide")
def _may_decide(user, review):
    if chairs(user, review.board):
        return access.ALLOW
    return access.Decision(False, "Only the board's chair records its decision.")


@access.register_rule(Review, "withdraw")
def _may_withdraw(user, review):
    if review.exception_id is not None and review.exception.requested_by_id == user.pk:
        return access.ALLOW
    return access.Decision(False, "A review closes unheard only when its request is withdrawn or changed.")
