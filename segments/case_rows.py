"""A service case as a page shows it: due times in words ("in 2 hours", "late by 3 days"), the SLA status
of its response and resolution, and its row in a list. Pure functions of a case and the time."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from segments.models import ServiceCase

# A target closer than this is "due soon".
DUE_SOON = datetime.timedelta(hours=2)


def human_duration(delta: datetime.timedelta) -> str:
    """`3 h 20 min`, `2 d 4 h`, `45 min`: the two largest units, for a person reading a list.

    A number and its unit never part at a line break (no-break spaces).
    """
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [f"{days}\u00a0d", f"{hours}\u00a0h" if hours else ""]
    elif hours:
        parts = [f"{hours}\u00a0h", f"{minutes}\u00a0min" if minutes else ""]
    else:
        parts = [f"{minutes}\u00a0min" if minutes else "less than a minute"]
    return " ".join(part for part in parts if part)


def human_minutes(minutes: int | None) -> str:
    """A target in minutes as a person says it: 90 → `1 h 30 min`, 1440 → `1 d`."""
    if minutes is None:
        return "—"
    return human_duration(datetime.timedelta(minutes=minutes))


@dataclass(frozen=True)
class Due:
    """One SLA target of a case, in words: `due in 2 h`, `overdue by 1 d 3 h`, `met`, `missed by 20 min`."""

    text: str
    at: datetime.datetime | None
    state: str  # "met" | "late" | "open" | "soon" | "overdue" | "paused" | "none"


def _due(done_at, due_at, *, now, paused: bool) -> Due:
    if done_at is not None:
        if due_at is not None and done_at > due_at:
            return Due(f"missed by {human_duration(done_at - due_at)}", done_at, "late")
        return Due("met", done_at, "met")
    if due_at is None:
        return Due("clock paused" if paused else "no target", None, "paused" if paused else "none")
    if due_at <= now:
        return Due(f"overdue by {human_duration(now - due_at)}", due_at, "overdue")
    if paused:
        return Due(f"paused · due {human_duration(due_at - now)} from now", due_at, "paused")
    state = "soon" if due_at - now <= DUE_SOON else "open"
    return Due(f"due in {human_duration(due_at - now)}", due_at, state)


@dataclass(frozen=True)
class CaseRow:
    """A case as a list shows it: the case, its two targets in words, and one SLA status pill."""

    case: ServiceCase
    response: Due
    resolution: Due
    status: str
    label: str
    pill: str

    @property
    def waiting(self) -> bool:
        return bool(getattr(self.case, "waiting_now", False))


def case_row(case: ServiceCase, *, now: datetime.datetime | None = None) -> CaseRow:
    now = now or timezone.now()
    paused = bool(getattr(case, "waiting_now", False))
    response = _due(case.first_response_at, case.response_due_at, now=now, paused=paused)
    resolution = _due(case.resolved_at, case.resolution_due_at, now=now, paused=paused)
    late = case.breached or "overdue" in (response.state, resolution.state)
    if case.resolved_at is not None:
        status, label, pill = (
            ("resolved_late", "Resolved late", "pill-bad")
            if late or "late" in (response.state, resolution.state)
            else ("resolved", "Resolved", "pill-ok")
        )
    elif late:
        status, label, pill = "breached", "Breached", "pill-bad"
    elif paused:
        status, label, pill = "waiting", "Waiting on customer", "pill-info"
    elif response.state == "none" and resolution.state == "none":
        status, label, pill = "no_sla", "No SLA", ""
    elif "soon" in (response.state, resolution.state):
        status, label, pill = "due_soon", "Due soon", "pill-warn"
    else:
        status, label, pill = "on_track", "On track", "pill-ok"
    return CaseRow(case=case, response=response, resolution=resolution, status=status, label=label, pill=pill)
