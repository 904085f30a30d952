"""acks_late: a task whose worker dies mid-run is not lost; it runs again and completes.

The probe task writes its pid to a marker file and, on its first run, holds; the test kills the
process running it. Settings say `task_acks_late=True` and `task_reject_on_worker_lost=True`, so
the broker still holds the message and hands it out again.
"""

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.worker import probe_tasks
from tests.worker.conftest import wait_until

pytestmark = pytest.mark.worker

HOLD_SECONDS = 120  # how long a first run would hold; every test kills it long before
TASK_TIMEOUT = 40
# With Redis, an unacknowledged message goes back to its queue once it has been out this long, when
# a worker next scans (kombu scans as a worker starts, then only every ~100 s).
VISIBILITY_TIMEOUT = 1


@pytest.fixture
def marker() -> Iterator[Path]:
    folder = Path(settings.VAR_DIR) / "probe-markers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.pids"
    yield path
    path.unlink(missing_ok=True)


def pids_in(marker: Path) -> list[int]:
    """The pids the probe wrote, complete lines only (never act on half a pid)."""
    text = marker.read_text() if marker.exists() else ""
    return [int(line) for line in text[: text.rfind("\n") + 1].split()]


def parent_of(pid: int) -> int:
    """The parent's pid, from /proc (Linux, like the workers this suite starts)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def send_probe(queue: str, marker: Path):
    return probe_tasks.record_then_hold.apply_async((str(marker), HOLD_SECONDS), queue=queue)


def running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def test_a_task_whose_pool_process_is_killed_is_requeued_and_runs_again(
    celery_processes, probe_queue, marker
):
    worker = celery_processes.worker(queue=probe_queue)
    result = send_probe(probe_queue, marker)
    [first_pid] = wait_until(
        lambda: pids_in(marker), timeout=20, what="the probe task to start", on_timeout=worker.log_tail
    )
    assert parent_of(first_pid) == worker.pid, "the task should run in a pool child of this worker"

    os.kill(first_pid, signal.SIGKILL)

    pids = result.get(timeout=TASK_TIMEOUT)
    assert pids[0] == first_pid
    assert len(pids) == 2, f"the task ran {len(pids)} times: {pids}"
    assert pids[1] != first_pid, "the second run must be a new pool process"
    assert parent_of(pids[1]) == worker.pid, "the second run should be in a new pool child of the same worker"
    assert result.status == "SUCCESS"
    assert worker.alive()
    assert "WorkerLostError" in worker.log()


def test_a_task_whose_worker_dies_mid_run_runs_on_the_next_worker(celery_processes, probe_queue, marker):
    first_worker = celery_processes.worker(queue=probe_queue)
    result = send_probe(probe_queue, marker)
    [first_pid] = wait_until(
        lambda: pids_in(marker), timeout=20, what="the probe task to start", on_timeout=first_worker.log_tail
    )
    delivered_by = time.monotonic()

    if settings.REDIS_URL:
        # The hardest death: SIGKILL to the main process and its pool child at once. Redis keeps
        # the unacknowledged message; the next worker hands it back once it has been out longer
        # than the visibility timeout, so that worker starts only after that.
        first_worker.kill()
        wait_until(
            lambda: time.monotonic() > delivered_by + VISIBILITY_TIMEOUT + 0.5,
            timeout=10,
            what="the visibility timeout to pass",
        )
    else:
        # kombu's filesystem transport deletes a message's file as it delivers it and keeps the
        # unacknowledged copy in the worker's memory, so a SIGKILL of the main process loses it.
        # A cold shutdown (SIGQUIT: stop now, do not wait for running tasks) kills the running
        # task and gives the message back.
        os.kill(first_worker.pid, signal.SIGQUIT)
        first_worker.process.wait(timeout=20)
    assert not first_worker.alive()
    wait_until(
        lambda: not running(first_pid), timeout=10, what=f"the first run's process {first_pid} to be gone"
    )

    second_worker = celery_processes.worker(
        queue=probe_queue, env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    )

    pids = result.get(timeout=TASK_TIMEOUT)
    assert pids[0] == first_pid
    assert len(pids) == 2, f"the task ran {len(pids)} times: {pids}"
    assert parent_of(pids[1]) == second_worker.pid, "the second run should be in the next worker's pool"
    assert result.status == "SUCCESS"
    second_worker.wait_for_log(f"Task probe.record_then_hold[{result.id}] succeeded", timeout=10)
