"""The relationships governance's rules ask about, defined once: the boards a person sits on, the chair."""

from django.db.models import Q

from governance.models import Board
from intimacy_ops import access


def boards_of(user):
    """The boards a user sits on, as member or chair (a subquery)."""
    return Board.objects.filter(Q(members=user) | Q(chair=user)).values("id")


def sits_on_a_board(user) -> bool:
    return Board.objects.filter(pk__in=boards_of(user)).exists()


def is_chair(user, board) -> bool:
    """The chair of this board."""
    return board is not None and user is not None and board.chair_id == user.pk


def chair_only(refusal: str):
    """A rule for anything of a board (the board itself, or an object with a `board`): its chair may;
    anyone else is refused with `refusal`, where `{board}` names the board."""

    def rule(user, obj):
        board = obj if isinstance(obj, Board) else obj.board
        if is_chair(user, board):
            return access.ALLOW
        return access.Decision(False, refusal.format(board=board.name))

    return rule
