"""The board's review of a change to the standard itself (issue 17, item 4): a pending version of a controlled
process, or a version retiring a standard option some customer uses (exceptions' `request_version_review`
hook). Approved → the version takes effect; rejected → it never does (exceptions/services/standard.py)."""

import datetime

from django.utils import timezone

from exceptions.models import ProcessVersion
from exceptions.services import standard
from governance.models import Review
from governance.selectors.boards import board_for_process, board_people, board_rules
from governance.services.impact import assess_impact
from governance.standard.models import StandardChange
from intimacy_ops import audit, errors
from intimacy_ops.notifications import notify
from intimacy_ops.notifications.outbox import alert_administrators

LISTED = 20


def _summary(version: ProcessVersion, change: standard.Change, controlled: bool) -> str:
    text = (
        f"Version {version.number} of {version.process.name} waits for the board: {change.why(controlled)}."
    )
    customers = change.customers
    if customers:
        names = ", ".join(customer["name"] for customer in customers[:LISTED])
        more = f" and {len(customers) - LISTED} more" if len(customers) > LISTED else ""
        text += f" Customers affected ({len(customers)}): {names}{more}."
    if version.change_note:
        text += f"\n\nThe owner's note: {version.change_note}"
    return text


def request_version_review(version: ProcessVersion, change: standard.Change) -> Review:
    """Open the review of a pending version on the board covering the process's category (in the caller's
    transaction: no board → 409 and nothing is published); the board and the process owner are told."""
    process = version.process
    board = board_for_process(process.category)
    if board is None:
        category = process.get_category_display().lower()
        alert_administrators(
            subject=f"No board covers {category} processes",
            body=f"A change to {process.name} needs a board's approval, and no board covers {category} processes.",
            link=f"/exceptions/processes/{process.pk}/",
        )
        raise errors.Conflict(
            f"This change needs a change-control board's approval, and no board covers {category} processes. "
            "Nothing was published; the administrators have been alerted.",
            problem="no_board",
        )
    previous = ProcessVersion.objects.get(process=process, number=process.version)
    review = Review.objects.create(
        kind=Review.Kind.STANDARD_CHANGE,
        process=process,
        board=board,
        title=f"{process.name} v{version.number}: change to the standard"[:200],
        summary=_summary(version, change, process.controlled),
        impact={
            "procedure_changed": change.procedure_changed,
            "removed_options": change.removed,
            "customers_affected": len(change.customers),
        },
        due_on=timezone.localdate() + datetime.timedelta(days=board.review_days),
        opened_at=timezone.now(),
        rules=board_rules(board),
    )
    link = StandardChange.objects.create(
        review=review,
        version=version,
        previous=previous,
        procedure_changed=change.procedure_changed,
        removed_options=change.removed,
    )
    link.affected_customers.set([customer["id"] for customer in change.customers])
    review.impact = {**assess_impact(review), **review.impact}  # the process's active exceptions, prefilled
    review.save(update_fields=["impact"])
    audit.record(
        actor=None,
        verb="review.opened",
        obj=review,
        after={"kind": review.kind, "process": process.pk, "version": version.number, "board": board.name},
        comment=change.why(process.controlled),
    )
    people = {person.pk: person for person in board_people(board)}
    if process.owner_id:
        people.setdefault(process.owner_id, process.owner)
    notify(
        list(people.values()),
        subject=f"Waiting for {board.name}: {review.title}"[:200],
        body=f"{review.summary}\n\nThe board decides by {review.due_on:%d %B %Y}.",
        link=review.get_absolute_url(),
    )
    return review


def carry_out(*, review: Review, actor, approved: bool, rationale: str) -> None:
    """The chair decided (inside `decide_review`'s transaction): the version takes effect, or never does."""
    version = review.standard_change.version
    comment = f"{review.board.name}, review {review.pk}: {rationale}"
    if approved:
        standard.put_into_effect(version=version, actor=actor, comment=comment)
    else:
        standard.reject(version=version, actor=actor, comment=comment)
