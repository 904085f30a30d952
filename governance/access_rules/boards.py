"""The relationships governance's rules ask about, defined once: the boards a person sits on, the chair."""

from django.db.models import Q

from governance.models import Board
from intimacy_ops import access
from intimacy_ops.accounts.roles import Role


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


# --- keeping the boards themselves (issue 17, item 6): administrators -------------------------------------

access.allow_roles(
    Board,
    "create",
    roles=(Role.ADMINISTRATOR,),
    refusal="Only an administrator sets up a change-control board.",
)


@access.register_rule(Board, "change")
def _may_change_board(user, board):
    if user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only an administrator changes a board's members, scope and rules.")


# Who may be named to a board (asked of the person being named, not of who names them).
access.allow_roles(
    Board, "chair", roles=(Role.BOARD_CHAIR,), refusal="Choose someone who holds the board chair role."
)
access.allow_roles(
    Board, "sit_on", roles=(Role.BOARD_MEMBER, Role.BOARD_CHAIR), refusal="Only board members sit on a board."
)
