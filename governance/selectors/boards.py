"""Reads of boards that services share: which board covers a request, and who hears for a board."""

from types import SimpleNamespace

from django.db.models import Count

from governance.models import Board


def board_for(*, category: str, region_id: int) -> Board | None:
    """The board whose scope covers a process category in a region; the most specific if several do."""
    candidates = [
        board
        for board in Board.objects.filter(regions__id=region_id).distinct().order_by("id")
        if board.covers_category(category)
    ]
    # Boards are few; a named category beats "every category".
    candidates.sort(key=lambda board: (0 if board.categories else 1, len(board.categories), board.pk))
    return candidates[0] if candidates else None


def board_people(board: Board) -> list:
    """Who hears that something waits for a board: its members and its chair."""
    people = {user.pk: user for user in board.members.all()}
    people.setdefault(board.chair_id, board.chair)
    return list(people.values())


def board_rules(board: Board) -> dict:
    """The rules a review keeps from its opening on (issue 17, item 6): a board's later change is for new ones."""
    return {"quorum": board.quorum, "rule": board.rule, "review_days": board.review_days}


def review_rules(review) -> SimpleNamespace:
    """The rules a review decides by: those it opened with (a review opened before they were kept: the board's)."""
    return SimpleNamespace(**{**board_rules(review.board), **(review.rules or {})})


def board_for_process(category: str) -> Board | None:
    """The board that reviews a change to a process's standard: the most specific covering its category,
    then the one covering the most regions."""
    boards = [
        board for board in Board.objects.annotate(spread=Count("regions")) if board.covers_category(category)
    ]
    boards.sort(
        key=lambda board: (0 if board.categories else 1, len(board.categories), -board.spread, board.pk)
    )
    return boards[0] if boards else None
