"""Writes of governance: opening, closing and deciding reviews. Exceptions reach them through its hooks."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExtensionRequest
from exceptions.services import extensions, lifecycle
from exceptions.services.notifications import link
from governance.models import Board, Review
from governance.selectors.boards import board_for, board_people, board_rules
from governance.selectors.meetings import meeting_in_session
from governance.services import outcomes, shaping, standard_change, voting
from governance.services.impact import assess_impact
from intimacy_ops import audit, errors
from intimacy_ops import lifecycle as lifecycles
from intimacy_ops.notifications import notify
from intimacy_ops.notifications.outbox import alert_administrators

log = logging.getLogger(__name__)

# A board's decision → the request's transition (defer leaves it under review).
OUTCOME_TO_ACTION = {
    Review.Outcome.APPROVE: "approve",
    Review.Outcome.APPROVE_WITH_CONDITIONS: "approve",
    Review.Outcome.REJECT: "reject",
    Review.Outcome.RETURN_FOR_CHANGES: "return_for_changes",
}


def _board_covering(exception: ExceptionRequest, what: str) -> Board:
    region = exception.customer.region
    board = board_for(category=exception.process.category, region_id=region.pk)
    if board is None:
        category = exception.process.get_category_display().lower()
        alert_administrators(
            subject=f"No board covers {category} processes in {region.code}",
            body=(
                f"{exception.requested_by.display_name if exception.requested_by_id else 'Someone'} could not send "
                f"“{exception.title}” (request #{exception.pk}, {exception.customer.name}) to a change-control "
                f"board: no board covers {category} processes in {region.code}, and {what}. The request stays "
                "as it was; extend a board's scope (categories, regions) and ask them to submit again."
            ),
            link=link(exception),
        )
        raise errors.Conflict(
            f"No change-control board covers {category} processes in "
            f"{region.code}, and {what}. Ask an administrator to extend a board's "
            "scope; your request stays as it was. The administrators have been alerted.",
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
        rules=board_rules(board),
    )
    review.impact = assess_impact(review)
    review.save(update_fields=["impact"])
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
    voting.tell_chair_if_quorum_impossible(voting.with_tally_data(Review.objects.all()).get(pk=review.pk))
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
        lifecycles.apply(review, "withdraw", actor=actor)
        notify(
            board_people(review.board),
            subject=f"No longer waiting for {review.board.name}: “{exception.title}”",
            body=f"The review of “{exception.title}” for {exception.customer.name} closed: it was withdrawn.",
            link=link(exception),
        )


def decide_review(
    *, review: Review, actor, outcome: str, rationale: str, conditions: str = "", meeting=None, **shaped
) -> Review:
    """The chair records the board's decision, within what the votes allow (quorum and the board's rule).

    approve / approve_with_conditions → the request approved (an extension allowed; a proposal carried out);
    reject → rejected; return_for_changes → back to its requester; defer → stays open, due one SLA later.
    """
    if outcome not in Review.Outcome.values or not outcome:
        raise errors.ValidationFailed(
            {"outcome": [f"Choose one of: {', '.join(v for v in Review.Outcome.values if v)}."]}
        )
    rationale, conditions = (rationale or "").strip(), (conditions or "").strip()
    if not rationale:
        raise errors.ValidationFailed({"rationale": ["Say why the board decided so."]})
    with transaction.atomic():
        review = voting._locked(review)
        lifecycles.check(review, "decide", actor=actor)  # 409 unless open, 403 unless the chair
        # `shaped`: sunset_on, exclusions, standard_option, condition_items (governance/services/shaping.py)
        shape = shaping.validate(review, outcome=outcome, conditions=conditions, **shaped)
        if shape.conditions and not conditions:
            conditions = "; ".join(description for description, _, _ in shape.conditions)
        if review.extension_id and outcome == Review.Outcome.RETURN_FOR_CHANGES:
            raise errors.ValidationFailed(
                {"outcome": ["An extension is approved or rejected (or deferred); it cannot be returned."]}
            )
        if meeting is not None and meeting.board_id != review.board_id:
            raise errors.ValidationFailed({"meeting": [f"Choose a meeting of {review.board.name}."]})
        if meeting is None:
            # Decided while a meeting with it on the agenda is in session: the decision belongs to its minutes.
            meeting = meeting_in_session(review)
        current = voting.tally(review)
        if outcome in current.refused:
            raise errors.Conflict(current.refused[outcome], problem="votes_do_not_allow", outcome=outcome)
        if outcome == Review.Outcome.DEFER:
            return _defer(review, actor, rationale, meeting)
        review.outcome = outcome
        review.rationale = rationale
        review.conditions = conditions if outcome == Review.Outcome.APPROVE_WITH_CONDITIONS else ""
        review.decided_by = actor
        review.meeting = meeting
        lifecycles.apply(
            review,
            "decide",
            actor=actor,
            comment=rationale,
            after={
                "outcome": outcome,
                "conditions": review.conditions,
                "meeting": meeting.pk if meeting else None,
                "votes": {"approve": current.approve, "reject": current.reject, "abstain": current.abstain},
            },
        )
        shaping.record(review, actor, shape)
        text = rationale + (f"\nConditions: {review.conditions}" if review.conditions else "")
        if review.extension_id:
            extensions.decide_extension(
                actor=actor,
                extension=review.extension,
                approve=OUTCOME_TO_ACTION[outcome] == "approve",
                comment=text,
                authority="board",
            )
        elif review.kind in (Review.Kind.STANDARDIZATION, Review.Kind.SUNSET):
            if OUTCOME_TO_ACTION[outcome] == "approve":
                outcomes.carry_out(review=review, actor=actor)
        elif review.kind == Review.Kind.STANDARD_CHANGE:
            approved = OUTCOME_TO_ACTION[outcome] == "approve"
            standard_change.carry_out(review=review, actor=actor, approved=approved, rationale=text)
        elif review.kind == Review.Kind.RESTANDARDIZATION:
            pass  # the board's reading of the exceptions is the decision; it acts through proposals
        else:
            lifecycle.record_decision(
                exception=review.exception, outcome=OUTCOME_TO_ACTION[outcome], actor=actor, rationale=text
            )
        label = Review.Outcome(outcome).label.lower()
        # The requester hears of their request's new status (or their extension's decision) from exceptions.
        told = (
            {review.extension.requested_by_id}
            if review.extension_id
            else {review.exception.requested_by_id}
            if review.exception_id
            else set()
        )
        notify(
            [person for person in people_concerned(review, current) if person.pk not in told],
            subject=f"{review.board.name} decided: {label} — “{review.headline}”",
            body=(
                f"{actor.display_name}, chair of {review.board.name}, recorded the decision: {label} "
                f"({current.approve} approve, {current.reject} reject, {current.abstain} abstain).\n\n"
                f"Rationale: {rationale}"
                + (f"\n\nConditions: {review.conditions}" if review.conditions else "")
            ),
            link=voting.exception_link(review),
        )
    return review


def _defer(review: Review, actor, rationale: str, meeting) -> Review:
    before = {"due_on": review.due_on, "deferrals": review.deferrals}
    review.due_on = voting.due_after_deferral(review)
    review.deferrals += 1
    review.save(update_fields=["due_on", "deferrals"])
    audit.record(
        actor=actor,
        verb="review.deferred",
        obj=review,
        before=before,
        after={
            "due_on": review.due_on,
            "deferrals": review.deferrals,
            "meeting": meeting.pk if meeting else None,
        },
        comment=rationale,
    )
    notify(
        people_concerned(review),
        subject=f"{review.board.name} deferred “{review.headline}” to {review.due_on:%d %B %Y}",
        body=f"{actor.display_name} deferred the decision; it is now due by {review.due_on:%d %B %Y}.\n\nWhy: {rationale}",
        link=voting.exception_link(review),
    )
    return review


def people_concerned(review: Review, current=None) -> list:
    """Who hears of a decision: the requester, the customer's account manager, the board, the process owner."""
    current = current or voting.tally(review)
    people = {member.pk: member for member in current.members}
    if review.exception_id:
        exception = review.exception
        people.setdefault(exception.requested_by_id, exception.requested_by)
        if exception.customer.account_manager_id:
            people.setdefault(exception.customer.account_manager_id, exception.customer.account_manager)
        if exception.process.owner_id:
            people.setdefault(exception.process.owner_id, exception.process.owner)
    if review.extension_id:
        people.setdefault(review.extension.requested_by_id, review.extension.requested_by)
    if review.process_id and review.process.owner_id:
        people.setdefault(review.process.owner_id, review.process.owner)
    for covered in voting.rows_of(review, "covered"):
        manager = covered.customer.account_manager
        if manager is not None:
            people.setdefault(manager.pk, manager)
    return list(people.values())
