"""All business-hours arithmetic lives here: when an SLA clock runs, and when a target falls due.

A clock runs inside working windows (a region's weekdays and hours, minus its holidays, in its
time zone; or always, for 24×7) and stops inside waiting-on-customer pauses. Times in and out
are aware datetimes.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

Interval = tuple[datetime.datetime, datetime.datetime | None]

# The longest stretch we look ahead for working time: a calendar with none gives no due time.
_HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class Calendar:
    timezone: str = "UTC"
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    day_starts: datetime.time = datetime.time(9, 0)
    day_ends: datetime.time = datetime.time(17, 0)
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)

    @classmethod
    def from_model(cls, calendar) -> "Calendar":
        if calendar is None:
            return DEFAULT_CALENDAR
        return cls(
            timezone=calendar.timezone,
            weekdays=frozenset(calendar.weekdays),
            day_starts=calendar.day_starts,
            day_ends=calendar.day_ends,
            holidays=frozenset(holiday.on for holiday in calendar.holidays.all()),
        )


DEFAULT_CALENDAR = Calendar()
ALWAYS = None  # pass `calendar=ALWAYS` for a 24×7 clock


def _working_windows(
    start: datetime.datetime, calendar: Calendar | None
) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
    if calendar is None:
        yield start, datetime.datetime.max.replace(tzinfo=datetime.UTC)
        return
    zone = ZoneInfo(calendar.timezone)
    day = start.astimezone(zone).date()
    for _ in range(_HORIZON_DAYS):
        if day.weekday() in calendar.weekdays and day not in calendar.holidays:
            opens = datetime.datetime.combine(day, calendar.day_starts, tzinfo=zone)
            closes = datetime.datetime.combine(day, calendar.day_ends, tzinfo=zone)
            if closes > start:
                yield max(opens, start), closes
        day += datetime.timedelta(days=1)


def _minus_pauses(
    window: tuple[datetime.datetime, datetime.datetime], pauses: list[Interval]
) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
    begin, end = window
    for paused_from, paused_until in pauses:
        if paused_until is not None and paused_until <= begin:
            continue
        if paused_from >= end:
            break
        if paused_from > begin:
            yield begin, paused_from
        if paused_until is None:
            return
        begin = max(begin, paused_until)
        if begin >= end:
            return
    if begin < end:
        yield begin, end


def running_intervals(
    start: datetime.datetime, *, calendar: Calendar | None, pauses: Iterable[Interval] = ()
) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
    """The stretches, from `start` on, during which the clock runs."""
    ordered = sorted(pauses, key=lambda pause: pause[0])
    for window in _working_windows(start, calendar):
        yield from _minus_pauses(window, ordered)
        if any(until is None and since <= window[1] for since, until in ordered):
            return  # an open pause stops the clock for good (until someone ends it)


def add_minutes(
    start: datetime.datetime, minutes: int, *, calendar: Calendar | None, pauses: Iterable[Interval] = ()
) -> datetime.datetime | None:
    """When `minutes` of running clock have passed since `start`; None while an open pause holds it."""
    remaining = datetime.timedelta(minutes=minutes)
    if remaining <= datetime.timedelta(0):
        return start
    for begin, end in running_intervals(start, calendar=calendar, pauses=pauses):
        if end - begin >= remaining:
            return begin + remaining
        remaining -= end - begin
    return None


def elapsed_minutes(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    calendar: Calendar | None,
    pauses: Iterable[Interval] = (),
) -> float:
    """Minutes of running clock between `start` and `end`."""
    total = datetime.timedelta(0)
    for begin, stop in running_intervals(start, calendar=calendar, pauses=pauses):
        if begin >= end:
            break
        total += min(stop, end) - begin
    return total.total_seconds() / 60
