"""Real Celery processes for the tests: a worker (and beat) started as subprocesses, never eager mode.

They run with the test settings, the same var/ folder and secret key as this process, and a
DATABASE_URL pointing at the *test* database, so they talk to the same broker (Redis when
REDIS_URL is set, the embedded filesystem broker otherwise) and see the rows a `transactional_db`
test commits. Every process is started in its own session, and teardown ends its whole process
group whatever the test did; logs are kept under VAR_DIR/celery-test-logs/.
"""

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from intimacy_ops.celery import app

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
PROBE_TASKS = "tests.worker.probe_tasks"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0

# Process groups started and not yet killed: a last resort at exit, should a teardown itself break.
_live_groups: set[int] = set()


@atexit.register
def _kill_leftover_groups() -> None:
    for group in list(_live_groups):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


def wait_until(
    condition: Callable[[], object], *, timeout: float, what: str, interval: float = 0.1, on_timeout=None
):
    """Poll `condition` until it returns something truthy (returned) or `timeout` seconds pass (fails, saying `what`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n{on_timeout()}" if on_timeout else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)


def database_url_for_subprocesses() -> str:
    """The URL of the database this test run uses (the test database, not the one DATABASE_URL names)."""
    db = connection.settings_dict
    engine = db["ENGINE"]
    name = str(db["NAME"])
    if engine == "django.db.backends.sqlite3":
        if name == ":memory:" or "mode=memory" in name:
            pytest.fail(f"the test database is in memory ({name!r}); a worker process cannot share it")
        return f"sqlite:///{name}"
    if engine in {"django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"}:
        credentials = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = quote(db.get("HOST") or "", safe="")
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}@{host}{port}/{quote(name, safe='')}"
    pytest.fail(f"worker tests know SQLite and PostgreSQL, not {engine}")


def celery_env(**extra: str) -> dict[str, str]:
    """The environment of a Celery subprocess: this test run's settings, var/ folder, secret, broker and test database."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        INTIMACY_OPS_VAR_DIR=str(settings.VAR_DIR),
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=database_url_for_subprocesses(),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def product_queues() -> list[str]:
    """The queues the product's tasks are routed to (settings: `checks`, `mail`), default queue first."""
    names = [app.conf.task_default_queue]
    names += [queue.name for queue in app.conf.task_queues or () if queue.name not in names]
    return names


def purge(*queues: str) -> None:
    """Drop every message waiting in `queues` on the configured broker."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in queues:
            channel.queue_purge(queue)


@dataclass
class CeleryProcess:
    """One `celery worker` or `celery beat` subprocess with its log file."""

    name: str
    process: subprocess.Popen
    log_path: Path
    log_handle: object = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return f"--- {self.name} log ({self.log_path}) ---\n" + "\n".join(self.log().splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for_log(self, text: str, *, timeout: float = START_TIMEOUT) -> None:
        def seen() -> bool:
            if text in self.log():
                return True
            if not self.alive():
                pytest.fail(
                    f"{self.name} exited with {self.process.returncode} before logging {text!r}\n{self.log_tail()}"
                )
            return False

        wait_until(seen, timeout=timeout, what=f"{self.name} to log {text!r}", on_timeout=self.log_tail)

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the whole process group (main process and pool children) and reap the main process."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)
        _live_groups.discard(self.pid)

    def stop(self, *, graceful: bool) -> None:
        """Stop it, gracefully if told (warm shutdown: running tasks finish and acknowledge), and kill what is left."""
        if graceful and self.alive():
            # To the main process only, as `kill PID` would: it stops its pool children itself.
            os.kill(self.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_TIMEOUT)
        self.kill()  # the whole group: a pool child may outlive its main process
        self.log_handle.close()


class CeleryProcesses:
    """Starts workers and beat for one test; `stop_all()` ends every one of them."""

    def __init__(self, log_dir: Path) -> None:
        self.started: list[CeleryProcess] = []
        self.log_dir = log_dir

    def _start(self, label: str, args: list[str], env: dict[str, str]) -> CeleryProcess:
        name = f"{label}-{uuid.uuid4().hex[:8]}"
        log_path = self.log_dir / f"{name}.log"
        log_handle = log_path.open("w")
        process = subprocess.Popen(
            [str(CELERY), "-A", "intimacy_ops", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown can kill it and its children
        )
        _live_groups.add(process.pid)
        started = CeleryProcess(name=name, process=process, log_path=log_path, log_handle=log_handle)
        self.started.append(started)
        return started

    def worker(self, *, queue: str | None = None, env: dict[str, str] | None = None) -> CeleryProcess:
        """A ready worker consuming `queue` (comma-separated; every queue tasks are routed to unless told),
        with the probe tasks loaded."""
        queue = queue or ",".join(product_queues())
        worker = self._start(
            "worker",
            [
                "worker",
                "--loglevel=INFO",
                f"--queues={queue}",
                f"--include={PROBE_TASKS}",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
            ],
            celery_env(**(env or {})),
        )
        worker.wait_for_log(" ready.")
        return worker

    def beat(self, *, env: dict[str, str] | None = None) -> CeleryProcess:
        """Celery beat with the scheduler the settings name (django-celery-beat's database scheduler)."""
        return self._start(
            "beat",
            ["beat", "--loglevel=INFO", f"--schedule={self.log_dir / 'celerybeat-schedule'}"],
            celery_env(**(env or {})),
        )

    def stop_all(self) -> None:
        # A worker acknowledges a message (acks_late) just after its task returns. Redis keeps an
        # unacknowledged message and hands it out again later, so there a worker gets a warm
        # shutdown, lest a task the test already saw finish runs again in some later test. The
        # filesystem broker keeps nothing once it delivered a message: a kill is clean, and faster.
        graceful = bool(settings.REDIS_URL)
        failures = []
        for started in reversed(self.started):
            try:
                started.stop(graceful=graceful)
            except Exception as error:  # stop the others all the same
                failures.append(f"{started.name}: {error!r}")
        if failures:
            raise RuntimeError(f"could not stop every Celery process: {failures}")


@pytest.fixture(scope="session")
def celery_log_dir() -> Path:
    """Where the Celery processes of this run write their logs; emptied once per run, kept for reading afterwards."""
    folder = Path(settings.VAR_DIR) / "celery-test-logs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def celery_processes(transactional_db, celery_log_dir) -> Iterator[CeleryProcesses]:
    """Start real workers/beat in a test; all are stopped before the test database is flushed.

    The product's queues are purged before and after, so nothing left over from another run (or sent
    by beat) reaches a later test.
    """
    purge(*product_queues())
    processes = CeleryProcesses(celery_log_dir)
    try:
        yield processes
    finally:
        processes.stop_all()
        purge(*product_queues())


@pytest.fixture
def probe_queue() -> Iterator[str]:
    """A queue of its own for one test, so no other worker takes its messages; purged afterwards."""
    queue = f"probe-{uuid.uuid4().hex[:12]}"
    yield queue
    purge(queue)
