"""The record of a held meeting: who attended, and the minutes (the chair, once the meeting has started)."""

from django.db import transaction
from django.utils import timezone

from governance.models import Meeting
from governance.selectors.meetings import eligible_attendees
from governance.services.meetings.scheduling import locked, require_not_cancelled
from intimacy_ops import access, audit, errors


def _require_started(meeting: Meeting, what: str) -> None:
    require_not_cancelled(meeting, f"record {what}")
    if meeting.starts_at > timezone.now():
        raise errors.Conflict(
            f"The meeting has not started yet; record its {what} once it has.", status="scheduled"
        )


def record_attendance(*, meeting: Meeting, actor, attendees) -> Meeting:
    """The chair records who attended a meeting that has started."""
    with transaction.atomic():
        meeting = locked(meeting)
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
        meeting = locked(meeting)
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
