"""Liveness: `/healthz` really queries the database and talks to the broker, and says how beat is.

`/healthz` answers `{"database", "broker", "beat"}`. `database` and `broker` are what the web process
needs: either down makes it 503 (CONTRACT.md). `beat` (intimacy_ops/health.py) is reported, never a 503.
Only the URLconf imports this module: it needs the Celery app, which nothing below the web layer imports.
"""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from intimacy_ops.celery import app
from intimacy_ops.health import beat_status

BROKER_TIMEOUT_SECONDS = 2


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_ok() -> bool:
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
