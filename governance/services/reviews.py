"""Writes of governance: opening, closing and deciding reviews. Exceptions reach them through its hooks."""

import datetime

from django.db import transaction
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExtensionRequest
from exceptions.services import extensions, lifecycle
from exceptions.services.notifications import link
from governance.models import Board, Review
from intimacy_ops import audit, errors
from intimacy_ops.notifications import notify

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


def board_people(board: Board) -> list:
    """Who hears that something waits for a board: its members and its chair."""
    people = {user.pk: user for user in board.members.all()}
    people.setdefault(board.chair_id, board.chair)
    return list(people.values())


def _board_covering(exception: ExceptionRequest, what: str) -> Board:
    region = exception.customer.region
    board = board_for(category=exception.process.category, region_id=region.pk)
    if board is None:
        raise errors.Conflict(
            f"No change-control board covers {exception.process.get_category_display().lower()} processes in "
            f"{region.code}, and {what}. Ask an administrator to extend a board's "
            "scope; your request stays as it was.",
            problem="no_board",
        )
    return board


def _open(exception: ExceptionRequest, board: Board, extension: ExtensionRequest | None = None) -> Review:
    review = Review.objects.create(
        kind=Review.Kind.EXTENSION if extension else Review.Kind.EXCEPTION,
        exception=exception,
        board=board,
        extension=extension,
        due_on=timezone.localdate() + datetime.timedelta(days=board.review_days),
        opened_at=timezone.now(),
    )
    audit.record(
        actor=None,
        verb="review.opened",
        obj=review,
        after={
            "exception": exception.pk,
            "extension": extension.pk if extension else None,
            "board": board.name,
            "due_on": review.due_on,
        },
    )
    return review


def request_review(exception: ExceptionRequest) -> Review:
    """Open a review of a request on the board that covers its process category and region (exceptions' hook).

    No board covers it: a 409 naming the category and region, and the caller's transaction rolls back.
    The board's members and chair are told it waits for them (on commit).
    """
    board = _board_covering(exception, "this request is above the threshold")
    review = _open(exception, board)
    notify(
        board_people(board),
        subject=f"Waiting for {board.name}: “{exception.title}”",
        body=(
            f"An exception to {exception.process.name} for {exception.customer.name} is above the "
            f"{exception.customer.region.code} threshold and waits for the board's decision by "
            f"{review.due_on:%d %B %Y}."
        ),
        link=link(exception),
    )
    return review


def request_extension_review(extension: ExtensionRequest) -> Review:
    """Open a review of an extension only a board may allow (exceptions' hook); the review names the extension."""
    exception = extension.exception
    board = _board_covering(exception, "this extension goes beyond what an operations lead may allow")
    review = _open(exception, board, extension=extension)
    notify(
        board_people(board),
        subject=f"Extension waiting for {board.name}: “{exception.title}”",
        body=(
            f"The exception “{exception.title}” for {exception.customer.name} should run until "
            f"{extension.new_expires_on:%d %B %Y}, beyond what an operations lead may allow. "
            f"Decide by {review.due_on:%d %B %Y}.\n\nWhy: {extension.reason}"
        ),
        link=link(exception),
    )
    return review


def withdraw_review(exception: ExceptionRequest, actor) -> None:
    """The request was withdrawn: its open review closes without a decision (exceptions' hook)."""
    reviews = Review.objects.select_for_update(of=("self",)).select_related("board__chair")
    for review in reviews.filter(exception=exception, status=Review.Status.OPEN):
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
        notify(
            board_people(review.board),
            subject=f"No longer waiting for {review.board.name}: “{exception.title}”",
            body=f"The review of “{exception.title}” for {exception.customer.name} closed: it was withdrawn.",
            link=link(exception),
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
        if review.extension_id and outcome == Review.Outcome.RETURN_FOR_CHANGES:
            raise errors.ValidationFailed(
                {"outcome": ["An extension is approved or rejected (or deferred); it cannot be returned."]}
            )
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
        if review.extension_id:
            extensions.decide_extension(
                actor=actor,
                extension=review.extension,
                approve=OUTCOME_TO_ACTION[outcome] == "approve",
                comment=text,
                authority="board",
            )
        else:
            lifecycle.record_decision(
                exception=review.exception, outcome=OUTCOME_TO_ACTION[outcome], actor=actor, rationale=text
            )
        audit.record(
            actor=actor, verb="review.decided", obj=review, after={"outcome": outcome}, comment=rationale
        )
    return review
