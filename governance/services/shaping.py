"""What the chair shapes when approving (issue 17, item 2), checked before anything is written.

- a sunset: the date (`sunset_on`: not in the past, not after the expiry of any exception it ends) and the
  covered exceptions left out (`exclusions`: each covered by the review, with a reason; they stay active);
- a standardization: the wording of the new standard option (`standard_option`);
- approve with conditions: the conditions as items (`condition_items`: description, owner, due date). The
  older free text (`conditions`) still works: it becomes one item, owned by the process owner (else the
  chair), due one month later.

Each refusal is a 400 naming its field. `validate` reads; `record` writes (in the decision's transaction).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from exceptions.models import ExceptionRequest
from governance.models import Review
from governance.models_decisions import Condition, SunsetExclusion
from intimacy_ops import audit, errors
from intimacy_ops.accounts.models import User
from intimacy_ops.notifications import notify_many

APPROVING = (Review.Outcome.APPROVE, Review.Outcome.APPROVE_WITH_CONDITIONS)
TEXT_CONDITION_DAYS = 30


@dataclass
class Shape:
    sunset_on: datetime.date | None = None
    exclusions: dict[int, str] = field(default_factory=dict)
    standard_option: str = ""
    conditions: list[tuple[str, User, datetime.date]] = field(default_factory=list)


def _owner_of(review: Review):
    process = review.process if review.process_id else review.exception.process
    return process.owner if process.owner_id else review.board.chair


def _sunset(review: Review, sunset_on, exclusions, problems: dict, shape: Shape, today) -> None:
    covered = {
        pk: (title, expires_on)
        for pk, title, expires_on in review.covered.filter(status=ExceptionRequest.Status.ACTIVE).values_list(
            "pk", "title", "expires_on"
        )
    }
    every = set(review.covered.values_list("pk", flat=True))
    for item in exclusions:
        pk, reason = item.get("exception"), (item.get("reason") or "").strip()
        if pk not in every:
            problems.setdefault("exclusions", []).append(f"Exception {pk} is not covered by this review.")
        elif not reason:
            problems.setdefault("exclusions", []).append(f"Say why exception {pk} is left out.")
        else:
            shape.exclusions[pk] = reason
    if sunset_on is None:
        return
    if sunset_on < today:
        problems.setdefault("sunset_on", []).append("The sunset date cannot be in the past.")
        return
    late = [
        f"“{title}” expires on {expires_on:%d %B %Y}"
        for pk, (title, expires_on) in sorted(covered.items())
        if pk not in shape.exclusions and expires_on is not None and sunset_on > expires_on
    ]
    if late:
        problems.setdefault("sunset_on", []).append(
            "Choose a date no later than each exception's expiry: " + "; ".join(late) + "."
        )
    shape.sunset_on = sunset_on


def _conditions(review, outcome, items, text, problems, shape, today) -> None:
    if outcome != Review.Outcome.APPROVE_WITH_CONDITIONS:
        if items:
            problems["condition_items"] = ["Conditions come with the outcome approve with conditions."]
        return
    for number, item in enumerate(items, start=1):
        description = (item.get("description") or "").strip()
        owner, due_on = item.get("owner"), item.get("due_on")
        if not description:
            problems.setdefault("condition_items", []).append(f"Condition {number}: say what must be done.")
        elif owner is None or not owner.is_active:
            problems.setdefault("condition_items", []).append(
                f"Condition {number}: choose who answers for it."
            )
        elif due_on is None or due_on < today:
            problems.setdefault("condition_items", []).append(
                f"Condition {number}: choose a due date from today on."
            )
        else:
            shape.conditions.append((description, owner, due_on))
    if not items and text:
        shape.conditions.append(
            (text, _owner_of(review), today + datetime.timedelta(days=TEXT_CONDITION_DAYS))
        )
    if not shape.conditions and "condition_items" not in problems:
        problems["conditions"] = ["State the conditions of the approval: what, who, by when."]


def validate(
    review: Review,
    *,
    outcome: str,
    sunset_on=None,
    exclusions=(),
    standard_option: str = "",
    condition_items=(),
    conditions: str = "",
) -> Shape:
    """The decision's shape, or a 400 naming each field that is wrong."""
    problems: dict[str, list[str]] = {}
    shape = Shape()
    today = timezone.localdate()
    approving = outcome in APPROVING
    if (sunset_on is not None or exclusions) and not (approving and review.kind == Review.Kind.SUNSET):
        problems["sunset_on" if sunset_on is not None else "exclusions"] = [
            "A sunset date and exclusions belong to approving a sunset proposal."
        ]
    elif approving and review.kind == Review.Kind.SUNSET:
        _sunset(review, sunset_on, list(exclusions), problems, shape, today)
    option = " ".join((standard_option or "").split())
    if option and not (approving and review.kind == Review.Kind.STANDARDIZATION):
        problems["standard_option"] = [
            "The wording of a standard option belongs to approving a standardization."
        ]
    elif len(option) > 300:
        problems["standard_option"] = ["Keep the wording within 300 characters."]
    shape.standard_option = option
    _conditions(review, outcome, list(condition_items), (conditions or "").strip(), problems, shape, today)
    if problems:
        raise errors.ValidationFailed(problems)
    return shape


def record(review: Review, actor, shape: Shape) -> None:
    """Keep the shape on the review (before it is carried out): date, wording, exclusions, conditions."""
    fields = []
    if shape.sunset_on is not None:
        review.sunset_on = shape.sunset_on
        fields.append("sunset_on")
    if shape.standard_option:
        review.standard_option = shape.standard_option
        fields.append("standard_option")
    if fields:
        review.save(update_fields=fields)
    now = timezone.now()
    SunsetExclusion.objects.bulk_create(
        SunsetExclusion(review=review, exception_id=pk, reason=reason, excluded_by=actor, excluded_at=now)
        for pk, reason in sorted(shape.exclusions.items())
    )
    made = Condition.objects.bulk_create(
        Condition(review=review, description=description, owner=owner, due_on=due_on)
        for description, owner, due_on in shape.conditions
    )
    notify_many(
        [
            (
                c.owner,
                f"A condition for you: {c.description[:120]}",
                f"{review.board.name} approved “{review.headline}” on a condition you answer for, due "
                f"{c.due_on:%d %B %Y}: {c.description}\n\nMark it met on the review once done.",
                review.get_absolute_url(),
            )
            for c in made
        ]
    )
    if shape.exclusions or made:
        audit.record(
            actor=actor,
            verb="review.shaped",
            obj=review,
            after={
                "excluded": {str(pk): reason for pk, reason in sorted(shape.exclusions.items())},
                "conditions": [
                    {"description": c.description, "owner": c.owner.username, "due_on": c.due_on}
                    for c in made
                ],
            },
        )
