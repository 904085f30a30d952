"""Writes of governance: opening, closing and deciding reviews. Exceptions reach them through its hooks."""

import datetime

from django.db import transaction
from django.utils import timezone

from exceptions.models import ExceptionRequest
from exceptions.services import lifecycle
from governance.models import Board, Review
from intimacy_ops import audit, errors

# A board's decision → the request's transition (defer leaves it under review).
OUTCOME_TO_ACTION = {
    Review.Outcome.APPROVE: "approve",
    Review.Outcome.APPROVE_WITH_CONDITIONS: "approve",
    Review.Outcome.REJECT: "reject",
    Review.Outcome.RETURN_FOR_CHANGES: "return_for_changes",
}


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


def request_review(exception: ExceptionRequest) -> Review:
    """Open a review of a request on the board that covers its process category and region (exceptions' hook).

    No board covers it: a 409 naming the category and region, and the caller's transaction rolls back.
    """
    region = exception.customer.region
    category = exception.process.category
    board = board_for(category=category, region_id=region.pk)
    if board is None:
        raise errors.Conflict(
            f"No change-control board covers {exception.process.get_category_display().lower()} processes in "
            f"{region.code}, and this request is above the threshold. Ask an administrator to extend a board's "
            "scope; your request stays as it was.",
            problem="no_board",
        )
    now = timezone.now()
    review = Review.objects.create(
        exception=exception,
        board=board,
        due_on=timezone.localdate() + datetime.timedelta(days=board.review_days),
        opened_at=now,
    )
    audit.record(
        actor=None,
        verb="review.opened",
        obj=review,
        after={"exception": exception.pk, "board": board.name, "due_on": review.due_on},
    )
    return review


def withdraw_review(exception: ExceptionRequest, actor) -> None:
    """The request was withdrawn: its open review closes without a decision (exceptions' hook)."""
    for review in Review.objects.select_for_update().filter(exception=exception, status=Review.Status.OPEN):
        review.status = Review.Status.WITHDRAWN
        review.closed_at = timezone.now()
        review.save(update_fields=["status", "closed_at"])
        audit.record(
            actor=actor,
            verb="review.withdrawn",
            obj=review,
            before={"status": "open"},
            after={"status": "withdrawn"},
        )


def decide_review(*, review: Review, actor, outcome: str, rationale: str, conditions: str = "") -> Review:
    """The chair records the board's decision; approve or reject settles the request.

    Minimal for now: the governance issue adds votes, quorum and the decision rule before this is exposed.
    """
    if outcome not in Review.Outcome.values or not outcome:
        raise errors.ValidationFailed(
            {"outcome": [f"Choose one of: {', '.join(v for v in Review.Outcome.values if v)}."]}
        )
    if not (rationale or "").strip():
        raise errors.ValidationFailed({"rationale": ["Say why the board decided so."]})
    if outcome == Review.Outcome.APPROVE_WITH_CONDITIONS and not (conditions or "").strip():
        raise errors.ValidationFailed({"conditions": ["State the conditions of the approval."]})
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).select_related("board").get(pk=review.pk)
        if review.board.chair_id != actor.pk:
            raise errors.PermissionDenied("Only the board's chair records its decision.")
        if review.status != Review.Status.OPEN:
            raise errors.TransitionNotAllowed(action="decide", status=review.status, allowed_actions=[])
        if outcome == Review.Outcome.DEFER:
            audit.record(actor=actor, verb="review.deferred", obj=review, comment=rationale)
            return review
        review.status = Review.Status.DECIDED
        review.outcome = outcome
        review.rationale = rationale
        review.conditions = conditions
        review.decided_by = actor
        review.closed_at = timezone.now()
        review.save()
        text = rationale + (f"\nConditions: {conditions}" if conditions else "")
        lifecycle.record_decision(
            exception=review.exception, outcome=OUTCOME_TO_ACTION[outcome], actor=actor, rationale=text
        )
        audit.record(
            actor=actor, verb="review.decided", obj=review, after={"outcome": outcome}, comment=rationale
        )
    return review
