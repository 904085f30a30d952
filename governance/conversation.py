"""Reviews have a conversation (intimacy_ops/conversation): the board's chair and members and the requester
of the request under review hear of new comments unless they stop watching. The review page has no timeline
of its own: the conversation shows the review's opening and decision among the comments."""

from governance.models import Review
from governance.views.reviews import _get_review, _review_page
from intimacy_ops import conversation


def _participants(review: Review) -> list:
    board = review.board
    people = [board.chair, *board.members.all()]
    if review.exception_id:
        people.append(review.exception.requested_by)
    return people


def _events(review: Review) -> list[tuple]:
    events = [(review.opened_at, f"Opened: {review.get_kind_display().lower()}", None, "")]
    if review.closed_at and review.status == Review.Status.DECIDED:
        events.append(
            (
                review.closed_at,
                f"Decided: {review.get_outcome_display().lower()}",
                review.decided_by,
                review.rationale,
            )
        )
    elif review.closed_at:
        events.append((review.closed_at, review.get_status_display(), None, ""))
    return events


conversation.register(
    Review,
    key="review",
    participants=_participants,
    page=lambda request, review, status: _review_page(request, _get_review(request.user, review.pk), status),
    url_name="governance:review",
    events=_events,
)
