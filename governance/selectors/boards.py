"""Reads of boards that services share: which board covers a request, and who hears for a board."""

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
