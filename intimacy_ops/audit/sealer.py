"""The sealer thread: sealing committed events off the business request's path.

After a commit that wrote audit events, the committing thread only *wakes* this process's sealer (setting
an in-memory flag: no query, no lock, no network). The sealer, a daemon thread with a database connection
of its own, gathers for `AUDIT_SEAL_EVERY_MS` (so one short sealing transaction serves every commit of that
window, whoever committed last) and then runs `seal_pending`: the tried chain lock, the committed unsealed
events in id order, one `UPDATE … FROM (VALUES …)`. A wake that arrives while it seals makes it go round
again, so no commit is left waiting for a later one.

What a process leaves behind when it dies between commit and sealing (a SIGKILL, a Celery child's
`os._exit`) is sealed by the `audit.seal` check within a minute; a process that exits normally seals its
own at exit (`flush_at_exit`, registered by sealing.py). `AUDIT_SEALING=inline` (the tests; always on SQLite, one writer at a time anyway) seals in the
committing thread instead, right after commit, as before.
"""

import logging
import os
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection, connections

logger = logging.getLogger(__name__)

# With nothing to seal for this long, the thread gives its database connection back.
IDLE_SECONDS = 30.0


def background() -> bool:
    """Whether commits hand their events to the sealer thread (production on PostgreSQL)."""
    return getattr(settings, "AUDIT_SEALING", "background") != "inline" and connection.vendor == "postgresql"


class Sealer:
    """One per process (`sealing.sealer`): `seal` is `sealing.seal_pending`."""

    def __init__(self, seal: Callable[[], int]) -> None:
        self._seal = seal
        self._asked = threading.Event()
        self._start_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def wake(self) -> None:
        """Ask for a seal soon; never blocks, never touches the database."""
        self._asked.set()
        thread = self._thread
        if thread is None or self._pid != os.getpid() or not thread.is_alive():
            self._start()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
                return
            if self._pid != os.getpid():  # a forked child (gunicorn, Celery): its parent's thread is not here
                self._asked = threading.Event()
                self._asked.set()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="audit-sealer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        gather = max(getattr(settings, "AUDIT_SEAL_EVERY_MS", 50), 0) / 1000
        while not self._stopping.is_set():
            if not self._asked.wait(timeout=IDLE_SECONDS):
                connections.close_all()  # this thread's own connection only
                continue
            if gather:
                time.sleep(gather)  # the commits of this window share one sealing transaction
            self._asked.clear()  # a commit after this wakes us again: nothing slips between
            try:
                self._seal()
            except DatabaseError as error:  # the database went away: next wake, or the `audit.seal` check
                logger.warning("audit events left for the next sealer: %s", error)
                connections.close_all()
            except Exception:  # never let the thread die: the next wake tries again
                logger.exception("the audit sealer failed; the `audit.seal` check will seal what is left")
                connections.close_all()
        connections.close_all()

    def stop(self) -> None:
        """Seal what is asked for, then end the thread and close its connection (a test, a process's exit)."""
        thread = self._thread
        if thread is None or self._pid != os.getpid():
            return
        self._stopping.set()
        self._asked.set()
        thread.join(timeout=30)
        self._thread, self._stopping = None, threading.Event()

    def flush_at_exit(self) -> None:
        """A process leaving normally seals what it committed (the check would, within a minute)."""
        if self._thread is None or self._pid != os.getpid():
            return
        self.stop()
        try:
            self._seal()  # anything committed while the thread was finishing its last round
        except DatabaseError as error:
            logger.warning("audit events left for the `audit.seal` check: %s", error)
