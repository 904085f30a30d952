"""Writes of governance's meetings: scheduling, moving and cancelling a meeting, its agenda of reviews,
attendance and minutes, and each user's secret calendar address.

Only the board's chair schedules and runs its meetings (DESIGN.md: the chair "schedules meetings, sets
agendas and records decisions"). Members hear of a meeting when it is scheduled, moved or cancelled.
Every act leaves an audit record; the calendar's SEQUENCE counts the records that change what a
calendar shows (`CALENDAR_CHANGES`).
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from governance.models import AgendaItem, Board, CalendarFeed, CoOptedMember, Meeting, Review, _new_token
from governance.services.reviews import board_people
from intimacy_ops import access, audit, errors, lifecycle
from intimacy_ops.notifications import notify

# Audit verbs after which a subscribed calendar should replace its copy of the meeting (iCalendar SEQUENCE).
CALENDAR_CHANGES = ("meeting.updated", "meeting.cancelled", "meeting.agenda_changed")

TITLE_MAX = Meeting._meta.get_field("title").max_length
LOCATION_MAX = Meeting._meta.get_field("location").max_length


def meeting_link(meeting: Meeting) -> str:
    """The meeting's page (built by the meetings pages)."""
    return f"/governance/meetings/{meeting.pk}/"


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    zone = timezone.get_current_timezone_name()
    return f"{start:%A %d %B %Y, %H:%M}–{end:%H:%M} ({zone})"


def _validate(*, title: str, starts_at, ends_at, location: str) -> dict:
    problems: dict[str, list[str]] = {}
    title = (title or "").strip()
    location = (location or "").strip()
    if not title:
        problems["title"] = ["Give the meeting a title."]
    elif len(title) > TITLE_MAX:
        problems["title"] = [f"Keep the title under {TITLE_MAX} characters."]
    if len(location) > LOCATION_MAX:
        problems["location"] = [f"Keep the location under {LOCATION_MAX} characters."]
    if not isinstance(starts_at, datetime.datetime):
        problems["starts_at"] = ["Say when the meeting starts (date and time)."]
    elif timezone.is_naive(starts_at):
        problems["starts_at"] = ["Give the start with its time zone."]
    elif starts_at < timezone.now():
        problems["starts_at"] = ["The start is in the past; a meeting is scheduled ahead."]
    if not isinstance(ends_at, datetime.datetime):
        problems["ends_at"] = ["Say when the meeting ends (date and time)."]
    elif timezone.is_naive(ends_at):
        problems["ends_at"] = ["Give the end with its time zone."]
    elif "starts_at" not in problems and ends_at <= starts_at:
        problems["ends_at"] = ["The meeting must end after it starts."]
    if problems:
        raise errors.ValidationFailed(problems)
    return {"title": title, "starts_at": starts_at, "ends_at": ends_at, "location": location}


def _snapshot(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
    }


def _members_except(board: Board, actor) -> list:
    return [person for person in board_people(board) if person.pk != actor.pk]


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("board__chair").get(pk=meeting.pk)


def _require_not_cancelled(meeting: Meeting, action: str) -> None:
    lifecycle.require_state(meeting, action, {"scheduled", "held"})


def require_upcoming(meeting: Meeting, action: str) -> None:
    """409 unless the meeting is still ahead and not cancelled (pages ask too, before showing a form)."""
    _require_not_cancelled(meeting, action)
    if meeting.starts_at <= timezone.now():
        raise errors.Conflict(
            "This meeting has already started; record its attendance and minutes instead.",
            status="held",
        )


def _require_started(meeting: Meeting, what: str) -> None:
    _require_not_cancelled(meeting, f"record {what}")
    if meeting.starts_at > timezone.now():
        raise errors.Conflict(
            f"The meeting has not started yet; record its {what} once it has.", status="scheduled"
        )


def schedule_meeting(
    *,
    board: Board,
    actor,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
) -> Meeting:
    """The chair schedules a meeting of their board; its members are told."""
    access.require(actor, "schedule_meeting", board)
    values = _validate(title=title, starts_at=starts_at, ends_at=ends_at, location=location)
    with transaction.atomic():
        meeting = Meeting.objects.create(board=board, created_by=actor, **values)
        audit.record(
            actor=actor, verb="meeting.scheduled", obj=meeting, after={"board": board.name, **values}
        )
        notify(
            _members_except(board, actor),
            subject=f"{board.name} meets on {timezone.localtime(meeting.starts_at):%d %B}: {meeting.title}",
            body=(
                f"{actor.get_full_name() or actor.username} scheduled “{meeting.title}” for {_when(meeting)}"
                + (f" at {meeting.location}" if meeting.location else "")
                + ". The agenda follows on the meeting's page; add it to your calendar from there."
            ),
            link=meeting_link(meeting),
        )
    return meeting


def update_meeting(
    *,
    meeting: Meeting,
    actor,
    title: str | None = None,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    location: str | None = None,
) -> Meeting:
    """The chair changes an upcoming meeting; a new time or place is told to the members."""
    with transaction.atomic():
        meeting = _locked(meeting)
        access.require(actor, "change", meeting)
        require_upcoming(meeting, "change")
        before = _snapshot(meeting)
        values = _validate(
            title=meeting.title if title is None else title,
            starts_at=meeting.starts_at if starts_at is None else starts_at,
            ends_at=meeting.ends_at if ends_at is None else ends_at,
            location=meeting.location if location is None else location,
        )
        changed = {name: value for name, value in values.items() if before[name] != value}
        if not changed:
            return meeting
        for name, value in changed.items():
            setattr(meeting, name, value)
        meeting.save(update_fields=list(changed))
        audit.record(
            actor=actor,
            verb="meeting.updated",
            obj=meeting,
            before={name: before[name] for name in changed},
            after=changed,
        )
        if {"starts_at", "ends_at", "location"} & set(changed):
            old_start = timezone.localtime(before["starts_at"])
            notify(
                _members_except(meeting.board, actor),
                subject=f"Moved: {meeting.title} ({meeting.board.name})",
                body=(
                    f"“{meeting.title}”, planned for {old_start:%A %d %B %Y, %H:%M}"
                    + (f" at {before['location']}" if before["location"] else "")
                    + f", now takes place {_when(meeting)}"
                    + (f" at {meeting.location}" if meeting.location else "")
                    + ". Subscribed calendars update themselves."
                ),
                link=meeting_link(meeting),
            )
    return meeting


def cancel_meeting(*, meeting: Meeting, actor, reason: str = "") -> Meeting:
    """The chair calls off an upcoming meeting; its members are told, its reviews stay open."""
    with transaction.atomic():
        meeting = _locked(meeting)
        lifecycle.apply(
            meeting,
            "cancel",
            actor=actor,
            comment=reason,
            before={"cancelled_at": None},
        )
        notify(
            _members_except(meeting.board, actor),
            subject=f"Cancelled: {meeting.title} ({meeting.board.name})",
            body=(
                f"“{meeting.title}”, planned for {_when(meeting)}, will not take place."
                + (f"\n\nWhy: {reason.strip()}" if (reason or "").strip() else "")
                + "\n\nThe reviews on its agenda stay open."
            ),
            link=meeting_link(meeting),
        )
    return meeting


# --- the agenda ------------------------------------------------------------------------------------


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
        meeting = _locked(meeting)
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
        meeting = _locked(meeting)
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
        meeting = _locked(meeting)
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


# --- what happened in the meeting ------------------------------------------------------------------


def eligible_attendees(meeting: Meeting):
    """Who may be recorded as present: the board's members and chair, and those co-opted to a review on the agenda."""
    from intimacy_ops.accounts.models import User

    board = meeting.board
    co_opted = CoOptedMember.objects.filter(review__agenda_items__meeting=meeting).values("member_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(boards=board) | Q(pk=board.chair_id) | Q(pk__in=co_opted))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def record_attendance(*, meeting: Meeting, actor, attendees) -> Meeting:
    """The chair records who attended a meeting that has started."""
    with transaction.atomic():
        meeting = _locked(meeting)
        access.require(actor, "record_attendance", meeting)
        _require_started(meeting, "attendance")
        wanted = {getattr(person, "pk", person) for person in attendees}
        eligible = {person.pk: person for person in eligible_attendees(meeting)}
        outsiders = sorted(str(pk) for pk in wanted if pk not in eligible)
        if outsiders:
            raise errors.ValidationFailed(
                {
                    "attendees": [
                        "Only the board's members, its chair and members co-opted to a review on the agenda "
                        f"attend its meetings; not: {', '.join(outsiders)}."
                    ]
                }
            )
        before = sorted(meeting.attendees.values_list("username", flat=True))
        meeting.attendees.set([eligible[pk] for pk in wanted])
        after = sorted(eligible[pk].username for pk in wanted)
        if before != after:
            audit.record(
                actor=actor,
                verb="meeting.attendance_recorded",
                obj=meeting,
                before={"attendees": before},
                after={"attendees": after},
            )
    return meeting


def record_minutes(*, meeting: Meeting, actor, minutes: str) -> Meeting:
    """The chair writes (or corrects) the minutes of a meeting that has started."""
    text = (minutes or "").strip()
    if not text:
        raise errors.ValidationFailed({"minutes": ["Write the minutes (what was discussed and decided)."]})
    with transaction.atomic():
        meeting = _locked(meeting)
        access.require(actor, "record_minutes", meeting)
        _require_started(meeting, "minutes")
        before = meeting.minutes
        if before == text:
            return meeting
        meeting.minutes = text
        meeting.save(update_fields=["minutes"])
        audit.record(
            actor=actor,
            verb="meeting.minutes_recorded",
            obj=meeting,
            before={"minutes": before} if before else None,
            after={"minutes": text},
        )
    return meeting


# --- calendar feeds --------------------------------------------------------------------------------


def calendar_feed_for(*, user) -> CalendarFeed:
    """The user's secret calendar address, made on first use."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        audit.record(actor=user, verb="calendar_feed.created", obj=feed)
    return feed


def reset_calendar_feed(*, user) -> CalendarFeed:
    """A new secret address for the user's calendar; the old one stops working at once."""
    with transaction.atomic():
        feed, _ = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        feed.token = _new_token()
        feed.save(update_fields=["token"])
        audit.record(
            actor=user, verb="calendar_feed.reset", obj=feed, comment="the old address stopped working"
        )
    return feed
