"""`GET /healthz`: 200 with both ok when the database and broker answer, 503 naming what is down; `beat` says
whether the heartbeat is recent ("ok"), older than 3 intervals ("stale", still 200) or absent ("unknown")."""

import datetime
import socket
import time

import pytest
import time_machine
from django.core.management import call_command

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def closed_port():
    """Make sure nothing answers on 127.0.0.1:1, so "down" is the broker's fault, not a surprise listener's."""
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(("127.0.0.1", 1)) == 0:
            pytest.fail("something listens on 127.0.0.1:1; the 'broker down' test needs that port closed")


def test_healthz_is_200_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "ok", "beat": "unknown"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_naming_the_broker_when_redis_is_on_a_closed_port(client, db, settings, closed_port):
    settings.REDIS_URL = CLOSED_PORT_URL
    settings.CELERY_BROKER_URL = CLOSED_PORT_URL

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "beat": "unknown"}
    assert elapsed < 10, f"/healthz took {elapsed:.1f} s; the broker check must time out quickly"


def test_healthz_is_503_when_the_embedded_brokers_folder_is_gone(client, db, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path / "missing"),
        "data_folder_out": str(tmp_path / "missing"),
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "beat": "unknown"}


def test_healthz_answers_get_only(client, db):
    assert client.post("/healthz").status_code == 405


NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def beat_at(client, moment) -> tuple[int, str]:
    with time_machine.travel(moment, tick=False):
        response = client.get("/healthz")
    return response.status_code, response.json()["beat"]


def test_healthz_says_beat_unknown_before_any_heartbeat_and_stays_200(client, db):
    # A fresh start: web must be healthy before worker and beat start (docker-compose waits on it).
    assert beat_at(client, NOW) == (200, "unknown")


def test_healthz_says_beat_ok_within_three_heartbeat_intervals_then_stale(client, db, settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "check:heartbeat": {"task": "intimacy_ops.run_check", "args": ["heartbeat"], "schedule": 60}
    }
    with time_machine.travel(NOW, tick=False):
        call_command("run_checks", "--check", "heartbeat", stdout=None)

    assert beat_at(client, NOW + datetime.timedelta(seconds=179)) == (200, "ok")
    assert beat_at(client, NOW + datetime.timedelta(seconds=180)) == (200, "ok")
    # Stale is reported, not a 503: the database and the broker (what web needs) are fine.
    assert beat_at(client, NOW + datetime.timedelta(seconds=181)) == (200, "stale")


def test_the_stale_threshold_follows_the_heartbeat_interval_setting(client, db, settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "check:heartbeat": {"task": "intimacy_ops.run_check", "args": ["heartbeat"], "schedule": 10}
    }
    with time_machine.travel(NOW, tick=False):
        call_command("run_checks", "--check", "heartbeat", stdout=None)

    assert beat_at(client, NOW + datetime.timedelta(seconds=30)) == (200, "ok")
    assert beat_at(client, NOW + datetime.timedelta(seconds=31)) == (200, "stale")
