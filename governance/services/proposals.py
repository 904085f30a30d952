"""Who hears that threshold policies opened reviews, and how: each person once per batch of reviews opened (a
board's reviews share a batch, so its members and chair hear once per run), naming them and linking to the
review queue; one review alone reads as its own notice, linking to the review. One insert for all of them."""

from django.urls import reverse

from governance.selectors.boards import board_people
from intimacy_ops.notifications import notify_many

LISTED = 20  # a grouped notice names this many; the queue lists them all


def _single(review, board) -> tuple[str, str, str]:
    return (
        f"{review.get_kind_display()} for {board.name}: {review.title}"[:200],
        f"{review.summary}\n\nThe board decides by {review.due_on:%d %B %Y}.",
        review.get_absolute_url(),
    )


def tell_opened(opened: list[tuple]) -> None:
    """`opened`: (review, board, process owner or None) for each review a check opened, in one transaction."""
    people_of: dict[int, list] = {}
    theirs: dict[int, tuple[object, list]] = {}
    for review, board, owner in opened:
        if board.pk not in people_of:
            people_of[board.pk] = board_people(board)
        for person in [*people_of[board.pk], owner]:
            if person is not None:
                theirs.setdefault(person.pk, (person, []))[1].append((review, board))
    messages = []
    for person, reviews in theirs.values():
        if len(reviews) == 1:
            messages.append((person, *_single(*reviews[0])))
            continue
        boards = sorted({board.name for _, board in reviews})
        lines = [
            f"- {review.get_kind_display()}: {review.title} ({board.name}, decide by {review.due_on:%d %B %Y})"
            for review, board in reviews[:LISTED]
        ]
        if len(reviews) > LISTED:
            lines.append(f"- and {len(reviews) - LISTED} more")
        messages.append(
            (
                person,
                f"{len(reviews)} reviews opened for {', '.join(boards)}"[:200],
                "Threshold policies were crossed; each review proposes to standardize or sunset:\n"
                + "\n".join(lines),
                reverse("governance:queue"),
            )
        )
    notify_many(messages)
