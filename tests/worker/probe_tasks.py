"""Test-only tasks a worker started by the suite imports (`--include tests.worker.probe_tasks`).

They report where they ran and let a test catch a task mid-run, so the tests can kill the process
that runs it. They go through the same broker, settings and acks_late rules as the product's tasks.
"""

import os
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import connection


@shared_task(name="probe.where_am_i")
def where_am_i() -> dict:
    """Which database, broker and process the worker runs this task with."""
    from intimacy_ops.celery import app

    with app.connection_for_read() as conn:
        transport = conn.transport.driver_type
    return {
        "database": str(connection.settings_dict["NAME"]),
        "broker": transport,
        "var_dir": str(settings.VAR_DIR),
        "pid": os.getpid(),
    }


@shared_task(name="probe.record_then_hold")
def record_then_hold(marker: str, hold_seconds: float) -> list[int]:
    """Append this process's pid to `marker`; the first run then holds for `hold_seconds` (long enough to be killed).

    A run that finds pids already in the marker is a re-delivery: it returns at once with every pid seen.
    """
    path = Path(marker)
    with path.open("a") as handle:
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        os.fsync(handle.fileno())
    pids = [int(line) for line in path.read_text().split()]
    if len(pids) == 1:
        time.sleep(hold_seconds)
    return pids


@shared_task(name="probe.sla_sweep_holding_mid_batch")
def sla_sweep_holding_mid_batch(marker: str, batch_size: int, hold_after: int, hold_seconds: float) -> str:
    """The SLA sweep as beat runs it (`checks.run("sla_sweep")`), in batches of `batch_size`.

    On its first delivery it holds once `hold_after` escalations are raised — inside a batch's
    transaction, so the test can kill the worker mid-batch — and writes "holding" to `marker`. A
    re-delivery (the marker already names a pid) runs straight through. Test-only: the patch lives in
    this pool process for this task's run.
    """
    from intimacy_ops import checks
    from intimacy_ops.escalations import services
    from segments import checks as sla_checks

    path = Path(marker)
    first = not (path.exists() and path.read_text().strip())
    with path.open("a") as handle:
        handle.write(f"{os.getpid()}\n")
    original = services.raise_escalations
    raised = 0

    def holding(items, **options):
        # The sweep raises a batch's escalations in one call (issue 14): hold right after the call that
        # brings the count to `hold_after`, still inside that batch's transaction.
        nonlocal raised
        outcome = original(items, **options)
        raised += outcome
        if first and raised >= hold_after:
            with path.open("a") as handle:
                handle.write("holding\n")
                handle.flush()
                os.fsync(handle.fileno())
            time.sleep(hold_seconds)
        return outcome

    batch_size_before = sla_checks.SWEEP_BATCH_SIZE
    services.raise_escalations = holding
    sla_checks.SWEEP_BATCH_SIZE = batch_size
    try:
        return checks.run("sla_sweep").summary
    finally:
        services.raise_escalations = original
        sla_checks.SWEEP_BATCH_SIZE = batch_size_before
