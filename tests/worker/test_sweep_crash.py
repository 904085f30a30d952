"""Crash safety of the SLA sweep with a real worker: the worker dies (SIGKILL with Redis) in the middle of a
batch; the batches before it stay done, the one it was in rolls back whole; the next worker gets the task
again, finishes the sweep, and no case is escalated twice."""

import datetime
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from intimacy_ops.escalations.models import Escalation
from intimacy_ops.health import CheckRun
from segments.models import ServiceCase
from tests.checks.factories import open_case, sla_scene
from tests.worker import probe_tasks
from tests.worker.conftest import wait_until

pytestmark = pytest.mark.worker

CASES = 12
BATCH = 5
HOLD_AFTER = 7  # reached in the 2nd batch: batch 1 committed, batch 2 written but not committed
HOLD_SECONDS = 120
VISIBILITY_TIMEOUT = 1


def test_a_sweep_killed_mid_batch_completes_on_the_next_worker_without_duplicates(
    celery_processes, probe_queue
):
    scene = sla_scene(update_interval_minutes=None)
    three_hours_ago = timezone.now() - datetime.timedelta(
        hours=3
    )  # response (60 min) late, resolution not yet
    cases = [open_case(scene, three_hours_ago + datetime.timedelta(seconds=index)) for index in range(CASES)]
    folder = Path(settings.VAR_DIR) / "probe-markers"
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{uuid.uuid4().hex}.sweep"

    first_worker = celery_processes.worker(queue=probe_queue)
    result = probe_tasks.sla_sweep_holding_mid_batch.apply_async(
        (str(marker), BATCH, HOLD_AFTER, HOLD_SECONDS), queue=probe_queue
    )
    wait_until(
        lambda: marker.exists() and "holding" in marker.read_text(),
        timeout=30,
        what="the sweep to hold in its second batch",
        on_timeout=first_worker.log_tail,
    )
    delivered_by = time.monotonic()
    # Mid-batch: only the first batch is committed.
    assert Escalation.objects.count() == BATCH
    assert ServiceCase.objects.filter(response_breached_at__isnull=False).count() == BATCH

    if settings.REDIS_URL:
        first_worker.kill()  # SIGKILL to the main process and its pool child at once
        wait_until(
            lambda: time.monotonic() > delivered_by + VISIBILITY_TIMEOUT + 0.5,
            timeout=10,
            what="the visibility timeout to pass",
        )
    else:
        # The embedded broker loses a message whose worker is SIGKILLed (see test_acks_late): a cold
        # shutdown kills the running task and gives the message back.
        os.kill(first_worker.pid, signal.SIGQUIT)
        first_worker.process.wait(timeout=20)
    assert not first_worker.alive()
    # The killed batch rolled back whole: still only the first batch's work.
    assert Escalation.objects.count() == BATCH

    celery_processes.worker(queue=probe_queue, env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)})
    summary = result.get(timeout=60)

    assert summary == f"{CASES - BATCH} breached, {CASES - BATCH} escalations raised, 0 reminders"
    assert Escalation.objects.count() == CASES
    assert sorted(Escalation.objects.values_list("object_id", flat=True)) == sorted(case.pk for case in cases)
    assert ServiceCase.objects.filter(breached=True, response_breached_at__isnull=False).count() == CASES
    runs = list(CheckRun.objects.filter(name="sla_sweep").order_by("id"))
    assert len(runs) == 2
    assert runs[0].finished_at is None and runs[0].outcome == "running"  # cut short: shown "unfinished"
    assert runs[1].summary == summary and runs[1].error == ""
    marker.unlink(missing_ok=True)
