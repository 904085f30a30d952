"""Keeping the change-control boards (issue 17, item 6): an administrator sets up a board and changes its
members, chair, scope (process categories, regions), quorum, decision rule and review days. Validated per
field, audited with before and after. A change applies to reviews opened from then on: an open review keeps
the quorum and rule it opened with (`Review.rules`) and its due date."""

from django.db import IntegrityError, transaction

from exceptions.models import ProcessCategory
from governance.models import Board
from intimacy_ops import access, audit, errors

FIELDS = ("name", "chair", "members", "categories", "regions", "quorum", "rule", "review_days")


def snapshot(board: Board) -> dict:
    return {
        "name": board.name,
        "chair": board.chair.username,
        "members": sorted(member.username for member in board.members.all()),
        "categories": list(board.categories),
        "regions": sorted(region.code for region in board.regions.all()),
        "quorum": board.quorum,
        "rule": board.rule,
        "review_days": board.review_days,
    }


def _check(values: dict) -> None:
    problems: dict[str, list[str]] = {}
    if not (values["name"] or "").strip():
        problems["name"] = ["Give the board a name."]
    chair = values["chair"]
    if chair is None or not (may_chair := access.allowed(chair, "chair", Board)):
        problems["chair"] = [may_chair.reason if chair else "Choose the board's chair."]
    outsiders = [m.username for m in values["members"] if not access.allowed(m, "sit_on", Board)]
    if outsiders:
        problems["members"] = [f"Not board members: {', '.join(sorted(outsiders))}."]
    unknown = sorted(set(values["categories"]) - set(ProcessCategory.values))
    if unknown:
        problems["categories"] = [f"Unknown categories: {', '.join(unknown)}."]
    if not values["regions"]:
        problems["regions"] = ["Choose at least one region the board covers."]
    seats = len({member.pk for member in values["members"]} | ({chair.pk} if chair else set()))
    if not 1 <= int(values["quorum"]) <= max(seats, 1):
        problems["quorum"] = [f"The quorum must be between 1 and the {seats} people sitting on the board."]
    if values["rule"] not in Board.Rule.values:
        problems["rule"] = [f"Choose one of: {', '.join(Board.Rule.values)}."]
    if not 1 <= int(values["review_days"]) <= 365:
        problems["review_days"] = ["Give between 1 and 365 days."]
    if problems:
        raise errors.ValidationFailed(problems)


def save_board(*, actor, board: Board | None = None, **values) -> Board:
    """Create a board (`board` None) or change one; every field given (FIELDS)."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    if board is None:
        access.require(actor, "create", Board)
    else:
        access.require(actor, "change", board)
    _check(values)
    try:
        with transaction.atomic():
            if board is None:
                board, before = Board(), None
            else:
                board = Board.objects.select_for_update().get(pk=board.pk)
                before = snapshot(board)
            for name in ("name", "chair", "categories", "quorum", "rule", "review_days"):
                setattr(board, name, values[name].strip() if name == "name" else values[name])
            board.save()
            board.members.set(values["members"])
            board.regions.set(values["regions"])
            after = snapshot(board)
            if after != before:
                audit.record(
                    actor=actor,
                    verb="board.created" if before is None else "board.changed",
                    obj=board,
                    before=before,
                    after=after,
                    comment="Applies to reviews opened from now on; open reviews keep their quorum and rule.",
                )
    except IntegrityError:
        raise errors.ValidationFailed(
            {"name": [f"A board named {values['name']!r} already exists."]}
        ) from None
    return board
