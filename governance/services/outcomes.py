"""What a board's approval of a standardization or sunset proposal does (issue 7, item 7), and the board
revoking one exception at once.

- standardization: the process gets a new version whose standard options include the variation (as the
  chair worded it; by default the deviation tag and the covered exceptions' deviation text); every covered exception still active becomes
  `standardized` (one transition and audit event each, authority board, the chair as actor) and its account
  manager is told.
- sunset: every covered exception still active (but those the chair left out) gets its end date (`sunset_on`: the proposal's date, else
  today + 30 days; never after its own expiry), audited, its account manager told the date; the exceptions'
  start/expiry check moves it to `sunset` on that date.
- revoke or sunset for the board: the chair of the board covering an active exception ends it at once, with a
  reason (`end_for_board`).

`reviews.decide_review` calls `carry_out` inside its transaction when the chair approves a proposal.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from exceptions.models import ExceptionRequest
from exceptions.services import catalog, lifecycle
from exceptions.services.notifications import link
from governance.models import Review
from governance.selectors.boards import board_for
from intimacy_ops import access, audit, errors
from intimacy_ops.notifications import notify

ACTIVE = ExceptionRequest.Status.ACTIVE
APPROVED = (Review.Outcome.APPROVE, Review.Outcome.APPROVE_WITH_CONDITIONS)
SUNSET_AFTER_DAYS = 30


def variation_of(review: Review, exceptions: list[ExceptionRequest]) -> str:
    """The standard option a standardization adds: its tag and what the covered exceptions deviate in."""
    texts = []
    for exception in exceptions:
        text = " ".join(exception.deviation.split())
        if text and text not in texts:
            texts.append(text)
    tag = review.deviation_tag or "variation"
    return f"{tag}: {' / '.join(texts)}" if texts else tag


def _notify_account_managers(exceptions: list[ExceptionRequest], subject: str, line) -> None:
    """One message per account manager, naming each of their customers' exceptions."""
    by_manager = defaultdict(list)
    for exception in exceptions:
        by_manager[exception.customer.account_manager].append(exception)
    for manager, theirs in by_manager.items():
        if manager is None:
            continue
        notify(
            [manager],
            subject=subject,
            body="\n".join(line(exception) for exception in theirs),
            link=link(theirs[0]) if len(theirs) == 1 else "/exceptions/",
        )


def _standardize(review: Review, actor, exceptions: list[ExceptionRequest]) -> None:
    process = review.process
    current = catalog.current_version(process)
    option = review.standard_option or variation_of(review, exceptions)
    options = list(current.standard_options or [])
    if option not in options:
        options.append(option)
    note = (
        f"Standard option “{option}” added by {review.board.name} (review {review.pk}): "
        f"{len(exceptions)} exception(s) of {len({e.customer_id for e in exceptions})} customer(s) folded in."
    )
    version = catalog.publish_version(
        actor=actor,
        process=process,
        procedure=current.procedure,
        standard_options=options,
        change_note=note,
        authority="board",
    )
    comment = f"Folded into {process.name} v{version.number} as the standard option “{option}” ({review.board.name})."
    for exception in exceptions:
        lifecycle.end_exception(
            exception=exception, action="standardize", actor=actor, comment=comment, authority="board"
        )
    _notify_account_managers(
        exceptions,
        f"{process.name} now allows “{review.deviation_tag}” as standard",
        lambda e: (
            f"“{e.title}” for {e.customer.name} is standardized: {process.name} v{version.number} includes it "
            f"as the standard option “{option}”. Nothing changes for the customer; no exception is needed."
        ),
    )
    audit.record(
        actor=actor,
        verb="review.carried_out",
        obj=review,
        after={
            "kind": review.kind,
            "process_version": version.number,
            "standard_option": option,
            "standardized": [e.pk for e in exceptions],
        },
    )


def _sunset(review: Review, actor, exceptions: list[ExceptionRequest]) -> None:
    date = review.sunset_on or timezone.localdate() + datetime.timedelta(days=SUNSET_AFTER_DAYS)
    comment = f"Sunset decided by {review.board.name} (review {review.pk}): {review.rationale}".strip()
    scheduled = {}
    for exception in exceptions:
        # Each account manager hears their exception's date from schedule_sunset.
        done = lifecycle.schedule_sunset(
            exception=exception, sunset_on=date, actor=actor, comment=comment, authority="board"
        )
        scheduled[done.pk] = done.sunset_on.isoformat()
    audit.record(
        actor=actor,
        verb="review.carried_out",
        obj=review,
        after={"kind": review.kind, "sunset_on": scheduled},
    )


def carry_out(*, review: Review, actor) -> None:
    """Carry out an approved standardization or sunset proposal (publish the option / set end dates).

    The chair who decided is the actor. Exceptions covered but no longer active are left as they are.
    """
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("board", "process__owner")
            .get(pk=review.pk)
        )
        if review.kind not in (Review.Kind.STANDARDIZATION, Review.Kind.SUNSET):
            raise ValueError(f"Review {review.pk} is a {review.kind} review, not a proposal.")
        if review.status != Review.Status.DECIDED or review.outcome not in APPROVED:
            raise errors.TransitionNotAllowed(
                action="carry_out", status=f"{review.status} {review.outcome}".strip(), allowed_actions=[]
            )
        access.require(actor, "carry_out", review)
        exceptions = list(
            review.covered.filter(status=ACTIVE)
            .exclude(pk__in=review.exclusions.values("exception_id"))  # left out by the chair: stay active
            .select_related("customer__account_manager", "customer__region", "process")
            .order_by("pk")
        )
        if review.kind == Review.Kind.STANDARDIZATION:
            _standardize(review, actor, exceptions)
        else:
            _sunset(review, actor, exceptions)


BOARD_ENDINGS = {
    "sunset": ("sunset_exception", "Sunset", "sunset"),
    "revoke": ("revoke_exception", "Revoked", "revoked"),
}


def end_for_board(*, exception: ExceptionRequest, actor, reason: str, action: str) -> ExceptionRequest:
    """The chair of the board covering an active exception ends it at once (`sunset` or `revoke`), with a reason
    its manager reads. 403 unless the actor chairs that board; 400 without a reason; 409 unless active."""
    rule, verb, done = BOARD_ENDINGS[action]
    exception = ExceptionRequest.objects.select_related(
        "process", "customer__region", "customer__account_manager"
    ).get(pk=exception.pk)
    board = board_for(category=exception.process.category, region_id=exception.customer.region_id)
    if board is None:
        raise errors.PermissionDenied(
            f"Only the chair of the board covering this exception ends it for the board ({action}); "
            f"an operations lead of the region does so in their own right."
        )
    access.require(actor, rule, board)
    if not (reason or "").strip():
        raise errors.ValidationFailed(
            {"reason": [f"Say why the board ends this exception ({action}): its manager reads it."]}
        )
    with transaction.atomic():
        exception = lifecycle.end_exception(
            exception=exception,
            action=action,
            actor=actor,
            comment=f"{verb} by {board.name}: {reason.strip()}",
            authority="board",
        )
        if exception.customer.account_manager_id != exception.requested_by_id:
            # The requester hears from the transition itself; the customer's manager hears here.
            _notify_account_managers(
                [exception],
                f"“{exception.title}” was {done} by {board.name}",
                lambda e: (
                    f"The exception “{e.title}” for {e.customer.name} ends now. Reason: {reason.strip()}"
                ),
            )
        audit.record(
            actor=actor,
            verb=f"exception.{'revoked' if action == 'revoke' else 'sunset'}_by_board",
            obj=exception,
            after={"board": board.name},
            comment=reason.strip(),
        )
    return exception


def revoke_exception(*, exception: ExceptionRequest, actor, reason: str) -> ExceptionRequest:
    """The chair of the board covering an active exception revokes it at once (see `end_for_board`)."""
    return end_for_board(exception=exception, actor=actor, reason=reason, action="revoke")
