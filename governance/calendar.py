"""iCalendar (RFC 5545) files of governance: one meeting's `.ics` and a user's subscribable feed.

Built with the `icalendar` package. Times are written in UTC (`…Z`) so no calendar has to know our
time zone; a review's due date is an all-day event (`DTSTART;VALUE=DATE`). UIDs are stable per meeting
and per review, and SEQUENCE grows with each change a calendar shows, so subscribers replace their copy.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from governance.models import Meeting, Review

PRODID = "-//Intimacy Ops//Governance meetings//EN"
UID_DOMAIN = "intimacy-ops"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def review_due_uid(review: Review) -> str:
    return f"review-{review.pk}-due@{UID_DOMAIN}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def agenda_lines(meeting: Meeting) -> list[str]:
    """The agenda as text lines: position, what the review is about, for whom, due date."""
    lines = []
    for number, item in enumerate(meeting.items.all(), start=1):
        review = item.review
        customer = f" — {review.exception.customer.name}" if review.exception_id else ""
        lines.append(f"{number}. {review.headline}{customer} (due {review.due_on:%d %b %Y})")
    return lines


def meeting_event(
    meeting: Meeting, *, base_url: str, sequence: int = 0, modified: datetime.datetime | None = None
) -> Event:
    """One meeting as a VEVENT (its agenda prefetched as `items`)."""
    url = f"{base_url}{reverse('governance:meeting', args=[meeting.pk])}"
    agenda = agenda_lines(meeting)
    description = [f"{meeting.board.name}", ""]
    if agenda:
        description += ["Agenda:", *agenda]
    else:
        description.append("Agenda: none." if meeting.starts_at <= timezone.now() else "Agenda: not set yet.")
    description += ["", url]
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("created", _utc(meeting.created_at))
    event.add("last-modified", _utc(modified or meeting.created_at))
    event.add("sequence", sequence)
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", f"{meeting.title} ({meeting.board.name})")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", "\n".join(description))
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if meeting.cancelled_at else "OPAQUE")
    return event


def review_due_event(review: Review, *, base_url: str) -> Event:
    """An open review's due date as an all-day VEVENT."""
    url = f"{base_url}{review.get_absolute_url()}"
    title = review.headline
    customer = f" for {review.exception.customer.name}" if review.exception_id else ""
    event = Event()
    event.add("uid", review_due_uid(review))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", review.due_on)
    event.add("dtend", review.due_on + datetime.timedelta(days=1))
    event.add("summary", f"Review due: {title} ({review.board.name})")
    event.add(
        "description",
        f"{review.get_kind_display()}{customer} waits for {review.board.name}'s decision by "
        f"{review.due_on:%d %B %Y}.\n\n{url}",
    )
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def meeting_ics(meeting: Meeting, *, base_url: str, version: tuple[int, datetime.datetime | None]) -> bytes:
    """The `.ics` file of one meeting."""
    calendar = _calendar(f"{meeting.title} ({meeting.board.name})")
    sequence, modified = version
    calendar.add_component(meeting_event(meeting, base_url=base_url, sequence=sequence, modified=modified))
    return calendar.to_ical()


def feed_ics(
    user,
    *,
    meetings: list[Meeting],
    reviews: list[Review],
    versions: dict[int, tuple[int, datetime.datetime | None]],
    base_url: str,
) -> bytes:
    """A user's calendar feed: their boards' meetings and open reviews' due dates."""
    calendar = _calendar(f"Intimacy Ops — {user.get_full_name() or user.username}'s boards")
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for meeting in meetings:
        sequence, modified = versions.get(meeting.pk, (0, None))
        calendar.add_component(
            meeting_event(meeting, base_url=base_url, sequence=sequence, modified=modified)
        )
    for review in reviews:
        calendar.add_component(review_due_event(review, base_url=base_url))
    return calendar.to_ical()
