"""The agenda of a board's meeting: the chair puts open reviews on it, takes them off, orders them."""

from django.db import IntegrityError, transaction
from django.db.models import Max

from governance.models import AgendaItem, Meeting, Review
from governance.services.meetings.scheduling import locked, require_upcoming
from intimacy_ops import access, audit, errors, lifecycle


def _agenda_ids(meeting: Meeting) -> list[int]:
    return list(meeting.items.order_by("position", "id").values_list("review_id", flat=True))


def _record_agenda(meeting: Meeting, actor, before: list[int], change: str, review_id: int) -> None:
    audit.record(
        actor=actor,
        verb="meeting.agenda_changed",
        obj=meeting,
        before={"agenda": before},
        after={"agenda": _agenda_ids(meeting)},
        comment=f"{change} review {review_id}",
    )


def add_to_agenda(*, meeting: Meeting, review: Review, actor) -> AgendaItem:
    """The chair puts an open review of the board on the meeting's agenda, last."""
    with transaction.atomic():
        meeting = locked(meeting)
        access.require(actor, "set_agenda", meeting)
        require_upcoming(meeting, "change the agenda of")
        review = Review.objects.get(pk=review.pk)
        if review.board_id != meeting.board_id:
            raise errors.ValidationFailed(
                {"review": ["Only reviews of this meeting's board go on its agenda."]}
            )
        lifecycle.require_state(review, "put on the agenda", {Review.Status.OPEN})
        if meeting.items.filter(review=review).exists():
            raise errors.Conflict("This review is already on the agenda.", problem="already_on_agenda")
        before = _agenda_ids(meeting)
        last = meeting.items.aggregate(last=Max("position"))["last"]
        try:
            with transaction.atomic():
                item = AgendaItem.objects.create(
                    meeting=meeting, review=review, position=0 if last is None else last + 1
                )
        except IntegrityError:  # the constraint speaks for a concurrent add
            raise errors.Conflict(
                "This review is already on the agenda.", problem="already_on_agenda"
            ) from None
        _record_agenda(meeting, actor, before, "added", review.pk)
    return item


def remove_from_agenda(*, meeting: Meeting, review: Review, actor) -> Meeting:
    """The chair takes a review off the agenda (the review itself stays as it is)."""
    with transaction.atomic():
        meeting = locked(meeting)
        access.require(actor, "set_agenda", meeting)
        require_upcoming(meeting, "change the agenda of")
        before = _agenda_ids(meeting)
        if review.pk not in before:
            raise errors.Conflict("This review is not on the agenda (any more).", problem="not_on_agenda")
        meeting.items.filter(review_id=review.pk).delete()
        _renumber(meeting, [pk for pk in before if pk != review.pk])
        _record_agenda(meeting, actor, before, "removed", review.pk)
    return meeting


def _renumber(meeting: Meeting, order: list[int]) -> None:
    items = {item.review_id: item for item in meeting.items.all()}
    for position, review_id in enumerate(order):
        items[review_id].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])


def reorder_agenda(*, meeting: Meeting, actor, review_ids: list[int]) -> Meeting:
    """The chair sets the order of the agenda: `review_ids` names every review on it, once, in order."""
    with transaction.atomic():
        meeting = locked(meeting)
        access.require(actor, "set_agenda", meeting)
        require_upcoming(meeting, "change the agenda of")
        before = _agenda_ids(meeting)
        try:
            order = [int(pk) for pk in review_ids]
        except (TypeError, ValueError):
            raise errors.ValidationFailed({"review_ids": ["Give review ids (numbers)."]}) from None
        if sorted(order) != sorted(before) or len(set(order)) != len(order):
            raise errors.ValidationFailed(
                {"review_ids": ["Name every review on the agenda exactly once, and no other."]}
            )
        if order != before:
            _renumber(meeting, order)
            _record_agenda(meeting, actor, before, "reordered, moved", order[0] if order else 0)
    return meeting


def move_on_agenda(*, meeting: Meeting, review: Review, actor, direction: str) -> Meeting:
    """The chair moves one review up or down the agenda by one place."""
    if direction not in ("up", "down"):
        raise errors.ValidationFailed({"direction": ["Move a review “up” or “down”."]})
    order = _agenda_ids(meeting)
    if review.pk not in order:
        raise errors.Conflict("This review is not on the agenda (any more).", problem="not_on_agenda")
    index = order.index(review.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return reorder_agenda(meeting=meeting, actor=actor, review_ids=order)
