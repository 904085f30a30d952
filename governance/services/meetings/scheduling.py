"""Scheduling, moving and cancelling a board's meeting (the chair), and the checks the meeting's other acts share."""

import datetime

from django.db import transaction
from django.utils import timezone

from governance.models import Board, Meeting
from governance.selectors.boards import board_people
from intimacy_ops import access, audit, errors, lifecycle
from intimacy_ops.notifications import notify

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


def locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("board__chair").get(pk=meeting.pk)


def require_not_cancelled(meeting: Meeting, action: str) -> None:
    lifecycle.require_state(meeting, action, {"scheduled", "held"})


def require_upcoming(meeting: Meeting, action: str) -> None:
    """409 unless the meeting is still ahead and not cancelled (pages ask too, before showing a form)."""
    require_not_cancelled(meeting, action)
    if meeting.starts_at <= timezone.now():
        raise errors.Conflict(
            "This meeting has already started; record its attendance and minutes instead.",
            status="held",
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
        meeting = locked(meeting)
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
        meeting = locked(meeting)
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
