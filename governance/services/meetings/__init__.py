"""Writes of governance's meetings, one module per sub-domain (STYLE.md):

- scheduling: scheduling, moving and cancelling a meeting (and the checks its other acts share);
- agenda: the agenda of reviews, its order;
- record: what happened in a meeting that has started: attendance and minutes;
- feeds: each user's secret calendar address.

Only the board's chair schedules and runs its meetings (DESIGN.md: the chair "schedules meetings, sets
agendas and records decisions"). Members hear of a meeting when it is scheduled, moved or cancelled.
Every act leaves an audit record; the calendar's SEQUENCE counts the records that change what a
calendar shows (`CALENDAR_CHANGES`, in governance/selectors/meetings.py, which reads them).
"""

from governance.services.meetings.agenda import (
    add_to_agenda,
    move_on_agenda,
    remove_from_agenda,
    reorder_agenda,
)
from governance.services.meetings.feeds import calendar_feed_for, reset_calendar_feed
from governance.services.meetings.record import record_attendance, record_minutes
from governance.services.meetings.scheduling import (
    cancel_meeting,
    meeting_link,
    require_upcoming,
    schedule_meeting,
    update_meeting,
)

__all__ = [
    "add_to_agenda",
    "calendar_feed_for",
    "cancel_meeting",
    "meeting_link",
    "move_on_agenda",
    "record_attendance",
    "record_minutes",
    "remove_from_agenda",
    "reorder_agenda",
    "require_upcoming",
    "reset_calendar_feed",
    "schedule_meeting",
    "update_meeting",
]
