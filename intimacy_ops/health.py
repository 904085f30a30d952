"""Liveness: `/healthz` really queries the database and talks to the broker; the heartbeat shows beat and a worker run.

`/healthz` answers `{"database", "broker", "beat"}`. `database` and `broker` are what the web process
needs: either down makes it 503 (CONTRACT.md). `beat` is "ok" when the heartbeat check ran within 3
heartbeat intervals, "stale" when older, "unknown" when it never ran (a fresh start): it is reported,
never a 503 — a stale beat is the worker's or beat's trouble, and a web container restarted or held
back by its healthcheck for it would fix nothing (and on a fresh start, web must be healthy before
anyone can look).
"""

import socket

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from intimacy_ops import checks

BROKER_TIMEOUT_SECONDS = 2


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


@checks.register(name="heartbeat", every_seconds=60, description="Records that beat and a worker are alive.")
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
    return checks.get("heartbeat").every_seconds


_LOOK_IT_UP = object()


def beat_status(now=None, heartbeat=_LOOK_IT_UP) -> str:
    """'ok', 'stale' (heartbeat older than 3 intervals) or 'unknown' (no heartbeat yet)."""
    if heartbeat is _LOOK_IT_UP:
        heartbeat = last_heartbeat()
    if heartbeat is None:
        return "unknown"
    age = ((now or timezone.now()) - heartbeat.last_run_at).total_seconds()
    return "ok" if age <= STALE_AFTER_INTERVALS * heartbeat_seconds() else "stale"


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_ok() -> bool:
    from intimacy_ops.celery import app

    try:
        # Read the URL at call time, so the answer follows the settings in force (and tests can point it elsewhere).
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
            )
            if conn.transport.driver_type == "filesystem":
                # The embedded broker is a folder: it is up when the folder is there and writable.
                folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
                probe = f"{folder}/.healthz"
                with open(probe, "w") as handle:
                    handle.write("ok")
            else:
                conn.default_channel.client.ping()
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_ok()
    status = {"database": "ok" if database else "down", "broker": "ok" if broker_ok() else "down"}
    healthy = all(value == "ok" for value in status.values())
    try:
        status["beat"] = beat_status() if database else "unknown"
    except Exception:  # e.g. the table is not migrated yet: say so, do not fail the probe
        status["beat"] = "unknown"
    return JsonResponse(status, status=200 if healthy else 503)
