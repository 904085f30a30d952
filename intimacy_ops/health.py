"""The heartbeat and the record of check runs: proof that beat and a worker run.

The `heartbeat` check (registered in intimacy_ops/checks.py) writes a `Heartbeat`; `beat_status()` says
whether it is recent. `beat` is "ok" when the heartbeat check ran within 3 heartbeat intervals, "stale"
when older, "unknown" when it never ran (a fresh start). `/healthz` (intimacy_ops/views_health.py)
reports it, never as a 503: a stale beat is the worker's or beat's trouble, and a web container
restarted or held back by its healthcheck for it would fix nothing (and on a fresh start, web must be
healthy before anyone can look).
"""

import socket

from django.conf import settings
from django.db import models
from django.utils import timezone

# How often the heartbeat check runs when settings do not schedule it (HEARTBEAT_SECONDS).
HEARTBEAT_EVERY_SECONDS = 60


class Heartbeat(models.Model):
    """The last run of the `heartbeat` check, one row per name: proof that beat and a worker are alive."""

    name = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    class Meta:
        app_label = "intimacy_ops"

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"


class CheckRun(models.Model):
    """One run of a periodic check: when, how long, what it found and did, or the error it met."""

    name = models.CharField(max_length=100, db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(
        blank=True, help_text="The check's own line, e.g. '3 breached, 2 escalations raised'."
    )
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    trigger = models.CharField(max_length=20, default="beat", help_text="beat, command or page (run now).")
    hostname = models.CharField(max_length=255, blank=True)

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="check_run_latest")]

    def __str__(self) -> str:
        return f"{self.name} at {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def outcome(self) -> str:
        """running (or never finished: its worker died), failed or ok."""
        if self.error:
            return "failed"
        return "ok" if self.finished_at else "running"

    @property
    def duration_text(self) -> str:
        if self.finished_at is None:
            return ""
        seconds = (self.finished_at - self.started_at).total_seconds()
        if seconds < 10:
            return f"{seconds:.2f} s"
        minutes, seconds = divmod(round(seconds), 60)
        return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def beat() -> str:
    """Record one heartbeat; safe to run twice at once (a single upsert-style update)."""
    now = timezone.now()
    updated = Heartbeat.objects.filter(name="worker").update(
        last_run_at=now, hostname=socket.gethostname(), runs=models.F("runs") + 1
    )
    if not updated:
        Heartbeat.objects.get_or_create(
            name="worker", defaults={"last_run_at": now, "hostname": socket.gethostname(), "runs": 1}
        )
    return f"heartbeat recorded at {now:%Y-%m-%d %H:%M:%S} UTC"


def last_heartbeat() -> Heartbeat | None:
    return Heartbeat.objects.filter(name="worker").first()


STALE_AFTER_INTERVALS = 3


def heartbeat_seconds() -> int:
    """How often beat sends the heartbeat: the schedule in settings (HEARTBEAT_SECONDS), else the check's own."""
    entry = settings.CELERY_BEAT_SCHEDULE.get("check:heartbeat") or {}
    seconds = entry.get("schedule")
    if isinstance(seconds, int | float) and seconds > 0:
        return int(seconds)
    return HEARTBEAT_EVERY_SECONDS


_LOOK_IT_UP = object()


def beat_status(now=None, heartbeat=_LOOK_IT_UP) -> str:
    """'ok', 'stale' (heartbeat older than 3 intervals) or 'unknown' (no heartbeat yet)."""
    if heartbeat is _LOOK_IT_UP:
        heartbeat = last_heartbeat()
    if heartbeat is None:
        return "unknown"
    age = ((now or timezone.now()) - heartbeat.last_run_at).total_seconds()
    return "ok" if age <= STALE_AFTER_INTERVALS * heartbeat_seconds() else "stale"
