"""PostgreSQL going away mid-run (a restart, a failover): the web and the worker recover without a restart
(CONN_HEALTH_CHECKS), and /healthz says 503 naming the database while it lasts.

The shared PostgreSQL is never restarted: the web and worker subprocesses reach it through a TCP proxy in
this test, and "the restart" is the proxy cutting every connection and refusing new ones, then accepting
again; the processes see exactly what a restart shows them (their connections die, new ones are refused).
"""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.test import override_settings

from intimacy_ops.notifications import notify
from intimacy_ops.notifications.models import EmailState, Notification
from tests.factories import PASSWORD, user_with
from tests.live_web import get, post, web  # noqa: F401  (fixture)
from tests.worker.conftest import (  # noqa: F401  (fixtures)
    celery_log_dir,
    celery_processes,
    database_url_for_subprocesses,
    wait_until,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the database server; `cut()` is the outage, `restore()` its end."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        self.listener.close()
        for pair in self.pairs:
            for end in pair:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
        self.pairs.clear()


@pytest.fixture
def proxied_database_url() -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("a database server going away is tested on PostgreSQL (set DATABASE_URL)")
    parts = urlsplit(database_url_for_subprocesses())
    proxy = CuttableProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    credentials = parts.netloc.rpartition("@")[0]
    yield urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{proxy.port}")), proxy
    proxy.cut()


def test_the_web_and_the_worker_recover_from_a_database_restart_and_healthz_names_the_outage(
    proxied_database_url,
    web,  # noqa: F811
    celery_processes,  # noqa: F811
    tmp_path,
):
    url, proxy = proxied_database_url
    sam = user_with("data steward", username="steward.outage")
    base = web(DATABASE_URL=url)
    mail_dir = tmp_path / "mail"
    celery_processes.worker(env={"DATABASE_URL": url, "EMAIL_URL": f"file://{mail_dir}"})
    status, answer = post(f"{base}/api/v1/auth/token/", {"username": sam.username, "password": PASSWORD})
    assert status == 200, answer
    token = answer["token"]
    assert get(f"{base}/api/v1/customers/", token)[0] == 200
    assert get(f"{base}/healthz")[0] == 200
    send_and_wait(sam, "Before the restart", sent=1)  # the worker holds a connection now

    # A quick restart while nobody asks: every connection dies silently; the first request after must work.
    proxy.cut()
    proxy.restore()
    status, listed = get(f"{base}/api/v1/customers/", token)
    assert status == 200, listed

    # A longer outage: /healthz says so while it lasts, and recovers with the database.
    proxy.cut()
    started = time.monotonic()
    status, health = get(f"{base}/healthz")
    healthz_seconds = time.monotonic() - started
    assert status == 503 and health["database"] == "down", health
    assert healthz_seconds < 5, f"/healthz took {healthz_seconds:.1f} s during the outage"
    proxy.restore()
    status, health = get(f"{base}/healthz")
    assert status == 200 and health["database"] == "ok", health

    # The worker's connection died too: it takes the next task all the same.
    send_and_wait(sam, "After the restart", sent=2)
    assert len(list(mail_dir.iterdir())) == 2


def send_and_wait(user, subject: str, *, sent: int) -> None:
    with override_settings(NOTIFICATION_EMAIL_DELIVERY="worker"):
        notify([user], subject=subject, body="An e-mail through the worker.", urgent=True)
    wait_until(
        lambda: Notification.objects.filter(recipient=user, email_state=EmailState.SENT).count() == sent,
        timeout=40,
        what=f"the worker to send {subject!r}",
    )
