"""Beat: every registered periodic check is on its schedule, and beat with the database scheduler really sends them."""

import json

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from intimacy_ops import checks
from intimacy_ops.celery import app
from intimacy_ops.health import CheckRun, last_heartbeat
from tests.worker.conftest import wait_until


def test_every_registered_check_is_on_the_beat_schedule():
    app.loader.import_default_modules()
    app.finalize()
    registered = checks.registered()
    assert "heartbeat" in [check.name for check in registered]

    schedule = app.conf.beat_schedule
    for check in registered:
        entry = schedule.get(f"check:{check.name}")
        assert entry is not None, f"check {check.name!r} is not on the beat schedule: {sorted(schedule)}"
        assert entry["task"] == "intimacy_ops.run_check"
        assert list(entry["args"]) == [check.name]
        if f"check:{check.name}" not in settings.CELERY_BEAT_SCHEDULE:
            assert entry["schedule"] == check.every_seconds
    assert "intimacy_ops.run_check" in app.tasks


@pytest.mark.worker
def test_beat_writes_every_check_to_the_database_schedule_and_a_worker_records_the_heartbeat(
    celery_processes, client
):
    expected = {f"check:{check.name}" for check in checks.registered()}
    assert last_heartbeat() is None
    celery_processes.worker()

    beat = celery_processes.beat(env={"HEARTBEAT_SECONDS": "1"})

    wait_until(
        lambda: expected <= set(PeriodicTask.objects.values_list("name", flat=True)),
        timeout=30,
        what=f"beat to write {sorted(expected)} into django-celery-beat's PeriodicTask table",
        on_timeout=beat.log_tail,
    )
    for name in expected:
        task = PeriodicTask.objects.get(name=name)
        assert task.task == "intimacy_ops.run_check"
        assert json.loads(task.args) == [name.removeprefix("check:")]
        assert task.enabled
    heartbeat_entry = PeriodicTask.objects.select_related("interval").get(name="check:heartbeat")
    assert (heartbeat_entry.interval.every, heartbeat_entry.interval.period) == (1, "seconds")
    # Nobody but beat sends the heartbeat here: a row proves beat sent it and a worker ran it.
    heartbeat = wait_until(
        last_heartbeat,
        timeout=30,
        what="beat to send the heartbeat and the worker to record it",
        on_timeout=beat.log_tail,
    )
    assert heartbeat.runs >= 1
    # The run is recorded as beat's, and /healthz now says beat is alive.
    run = wait_until(
        lambda: CheckRun.objects.filter(name="heartbeat", trigger="beat", finished_at__isnull=False).first(),
        timeout=10,
        what="the heartbeat's run to be recorded",
    )
    assert run.summary.startswith("heartbeat recorded at ") and run.error == ""
    assert run.hostname
    assert client.get("/healthz").json()["beat"] == "ok"


def test_with_make_runs_embedded_broker_worker_and_beat_run_the_heartbeat(celery_processes):
    """`make run` has no Redis: the worker and beat talk through the filesystem broker under var/. Whatever
    broker this test run is configured with (CI: Redis), these two processes use the embedded one."""
    embedded = {"REDIS_URL": ""}
    assert last_heartbeat() is None
    celery_processes.worker(env=embedded)
    beat = celery_processes.beat(env={**embedded, "HEARTBEAT_SECONDS": "1"})
    heartbeat = wait_until(
        last_heartbeat,
        timeout=30,
        what="beat to send the heartbeat through the embedded broker and the worker to record it",
        on_timeout=beat.log_tail,
    )
    assert heartbeat.runs >= 1
    assert "filesystem://" in beat.log()  # beat says which broker it talks to
