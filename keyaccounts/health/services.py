"""Every write of health reviews by a person (issue 20, item 2): completing a review, cancelling one, setting a
tier's cadence. Each in a transaction with its audit event; bad input is a `ValidationFailed` naming the field
(nothing written); a review no longer open is a 409 (the lifecycle table, keyaccounts/lifecycles.py), checked
before the input."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from intimacy_ops import access, audit, errors, lifecycle
from keyaccounts.health import facts
from keyaccounts.models import HealthReview, HealthReviewAction, HealthReviewCadence

MAX_NOTES = 10_000
MAX_ACTION = 500
MAX_ACTIONS = 20


@dataclass(frozen=True)
class AgreedAction:
    text: str
    owner: object  # a User
    due_on: datetime.date


def problems(*, notes: str, next_on, actions: list[AgreedAction], today: datetime.date) -> dict:
    """What is wrong with a completion's input, by field (empty: nothing)."""
    found: dict[str, list[str]] = {}
    if not (notes or "").strip():
        found["notes"] = ["Write down what was discussed."]
    elif len(notes) > MAX_NOTES:
        found["notes"] = [f"At most {MAX_NOTES:,} characters."]
    if next_on is None:
        found["next_date"] = ["Agree the date of the next review."]
    elif next_on <= today:
        found["next_date"] = ["Choose a date after today."]
    if len(actions) > MAX_ACTIONS:
        found["actions"] = [f"At most {MAX_ACTIONS} actions."]
    for number, action in enumerate(actions, start=1):
        if not (action.text or "").strip():
            found.setdefault("actions", []).append(f"Action {number}: say what is to be done.")
        elif len(action.text) > MAX_ACTION:
            found.setdefault("actions", []).append(f"Action {number}: at most {MAX_ACTION} characters.")
        if action.owner is None or not action.owner.is_active:
            found.setdefault("actions", []).append(f"Action {number}: name who does it.")
        if action.due_on is None or action.due_on < today:
            found.setdefault("actions", []).append(f"Action {number}: a due date from today on.")
    return found


def complete(
    *, review: HealthReview, actor, notes: str, next_on: datetime.date | None, actions: list[AgreedAction]
) -> HealthReview:
    """The account manager held the review: the notes, the actions agreed, the next date; the facts frozen."""
    with transaction.atomic():
        review = HealthReview.objects.select_for_update().select_related("customer").get(pk=review.pk)
        lifecycle.check(review, "complete", actor=actor)  # 409 when no longer open, 403 if not theirs
        today = timezone.localdate()
        found = problems(notes=notes, next_on=next_on, actions=actions, today=today)
        if found:
            raise errors.ValidationFailed(found)
        review.notes = notes.strip()
        review.next_on = next_on
        review.completed_by = actor
        review.facts = facts.compute(actor, review, today=today)
        lifecycle.apply(review, "complete", actor=actor, comment=f"next review on {next_on.isoformat()}")
        made = HealthReviewAction.objects.bulk_create(
            [
                HealthReviewAction(review=review, text=a.text.strip(), owner=a.owner, due_on=a.due_on)
                for a in actions
            ]
        )
        audit.record(
            actor=actor,
            verb="health_review.actions_agreed",
            obj=review,
            after={
                "next_on": next_on.isoformat(),
                "actions": [
                    {"text": a.text, "owner": a.owner.username, "due_on": a.due_on.isoformat()} for a in made
                ],
            },
        )
    return review


def cancel(*, review: HealthReview, actor, reason: str) -> HealthReview:
    """Not held this period (the customer left the tier, a merger…), with a reason."""
    with transaction.atomic():
        review = HealthReview.objects.select_for_update().select_related("customer").get(pk=review.pk)
        lifecycle.check(review, "cancel", actor=actor)
        if not (reason or "").strip():
            raise errors.ValidationFailed({"reason": ["Say why the review will not be held."]})
        review.cancel_reason = reason.strip()[:4000]
        lifecycle.apply(review, "cancel", actor=actor, comment=review.cancel_reason)
    return review


def set_cadence(*, segment, every_months: int | None, actor) -> HealthReviewCadence:
    """How often the tier's customers are reviewed from the next run of the check on (None: never)."""
    access.require(actor, "change", HealthReviewCadence)
    if every_months is not None and every_months not in HealthReviewCadence.Every.values:
        raise errors.ValidationFailed({"every_months": ["Choose every 1, 3, 6 or 12 months, or never."]})
    with transaction.atomic():
        row = HealthReviewCadence.objects.select_for_update().filter(segment=segment).first()
        before = {"every_months": row.every_months} if row else {"every_months": "default"}
        if row is None:
            row = HealthReviewCadence(segment=segment)
        row.every_months = every_months
        row.updated_by = actor
        row.save()
        audit.record(
            actor=actor,
            verb="health_review_cadence.set",
            obj=row,
            before=before,
            after={"segment": segment.pk, "every_months": every_months},
        )
    return row
