"""Faults without loss: Redis down while a user submits a request, a worker killed in the middle of a send.

Real processes throughout: the web app (runserver) and the Celery worker are subprocesses on the test
database; Redis is a private redis-server of this test on a port of its own (never the shared one on 6379),
stopped and started as the test needs; the mail server is a small SMTP server in this process.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import F
from django.test import override_settings

from exceptions.models import ExceptionRequest
from intimacy_ops.notifications import notify
from intimacy_ops.notifications.models import EmailDeadLetter, EmailState, Notification
from tests.exceptions.factories import request_payload, scenario
from tests.factories import PASSWORD, user_with
from tests.live_web import free_port, post, web  # noqa: F401  (fixture)
from tests.worker.conftest import (  # noqa: F401  (fixtures)
    ROOT,
    celery_env,
    celery_log_dir,
    celery_processes,
    wait_until,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class PrivateRedis:
    """A redis-server of this test only: no persistence, so a restart starts empty as a lost broker would."""

    def __init__(self, binary: str, log_dir: Path) -> None:
        self.binary, self.log_dir = binary, log_dir
        self.port = free_port(6390)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.log_dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(self._answers, timeout=10, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn,
        ):
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(celery_log_dir) -> Iterator[PrivateRedis]:  # noqa: F811
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    redis = PrivateRedis(binary, celery_log_dir)
    yield redis
    redis.stop()


def _mails_to(mail_dir: Path, address: str) -> list[str]:
    texts = [path.read_text() for path in mail_dir.iterdir()] if mail_dir.exists() else []
    return [text for text in texts if address in text]


def test_redis_down_at_submit_the_request_is_saved_and_its_email_goes_out_once_redis_is_back(
    private_redis,
    web,  # noqa: F811
    celery_processes,  # noqa: F811
    tmp_path,
):
    s = scenario()
    base = web(REDIS_URL=private_redis.url, NOTIFICATION_EMAIL_DELIVERY="worker")  # Redis is not running
    status, answer = post(f"{base}/api/v1/auth/token/", {"username": "am.alice", "password": PASSWORD})
    assert status == 200, answer
    token = answer["token"]
    status, created = post(f"{base}/api/v1/exceptions/", request_payload(s), token)
    assert status == 201, created

    started = time.monotonic()
    status, submitted = post(f"{base}/api/v1/exceptions/{created['id']}/submit/", {}, token)
    submit_seconds = time.monotonic() - started

    # The user sees success, the request is saved and routed, the lead's notice is in the app.
    assert status == 200, submitted
    assert submitted["status"] == "submitted"
    assert ExceptionRequest.objects.get(pk=created["id"]).status == "submitted"
    notice = Notification.objects.get(recipient=s.oscar)
    assert notice.email_state == EmailState.QUEUED
    assert submit_seconds < 5, f"the submit took {submit_seconds:.1f} s with Redis down"

    # Redis comes back (empty, as after a restart); a worker runs; the grace period passes; the outbox check runs.
    private_redis.start()
    mail_dir = tmp_path / "mail"
    celery_processes.worker(env={"REDIS_URL": private_redis.url, "EMAIL_URL": f"file://{mail_dir}"})
    Notification.objects.filter(pk=notice.pk).update(
        email_state_at=F("email_state_at") - timedelta(minutes=3)
    )

    def run_outbox_check() -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", "run_checks", "--check", "notifications.outbox"],
            cwd=ROOT,
            env=celery_env(REDIS_URL=private_redis.url, NOTIFICATION_EMAIL_DELIVERY="worker"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "1 e-mail enqueued again" in run_outbox_check()
    wait_until(lambda: _mails_to(mail_dir, s.oscar.email), timeout=40, what="the lead's e-mail to arrive")
    # Running the check again (as beat will, every minute) sends nothing more.
    Notification.objects.filter(pk=notice.pk).update(
        email_state_at=F("email_state_at") - timedelta(minutes=3)
    )
    assert "0 e-mails enqueued again" in run_outbox_check()
    time.sleep(2)
    (mail,) = _mails_to(mail_dir, s.oscar.email)
    assert f"/exceptions/{created['id']}/" in mail  # the notice about this very request
    assert Notification.objects.get(pk=notice.pk).email_state == EmailState.SENT


class HangingSmtpServer:
    """Takes one message in full, then never answers its end of DATA: the send is cut off mid-way. Only on
    its first connection: later ones take every message as a mail server does."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.messages: list[bytes] = []
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._talk, args=(conn, self.connections == 1), daemon=True).start()

    def _talk(self, conn: socket.socket, hang: bool) -> None:
        with contextlib.suppress(OSError), conn, conn.makefile("rb") as lines:
            conn.sendall(b"220 hanging ESMTP\r\n")
            while line := lines.readline():
                command = line.strip().upper()
                if command.startswith(b"DATA"):
                    conn.sendall(b"354 go on\r\n")
                    data = b"".join(iter(lambda: lines.readline(), b".\r\n"))
                    self.messages.append(data)
                    if hang:
                        time.sleep(600)  # the message is in; the "250 queued" never comes
                        return
                elif command.startswith(b"QUIT"):
                    conn.sendall(b"221 bye\r\n")
                    return
                conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.listener.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _killed_after_the_first_mail(processes, smtp: HangingSmtpServer, people: list):
    """A worker sends `people` an urgent notice over the hanging mail server; once the server has taken the
    first message (and hangs before answering), the worker's pool process is SIGKILLed. Returns the worker."""
    worker = processes.worker(env={"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}"})
    with override_settings(NOTIFICATION_EMAIL_DELIVERY="worker"):
        notify(people, subject="Escalation, level 1: SLA breached", body="Act now.", urgent=True)
    wait_until(
        lambda: smtp.messages,
        timeout=40,
        what="the worker to hand an e-mail over",
        on_timeout=worker.log_tail,
    )
    [pool_child] = _children(worker.pid)
    os.kill(pool_child, signal.SIGKILL)  # between the mail server taking it and the worker recording it
    return worker


def test_a_worker_killed_mid_send_never_sends_the_email_twice_it_becomes_an_uncertain_dead_letter(
    celery_processes,  # noqa: F811
):
    smtp = HangingSmtpServer()
    try:
        sam = user_with("data steward", username="steward.killed")
        worker = _killed_after_the_first_mail(celery_processes, smtp, [sam])

        notice = Notification.objects.get(recipient=sam)
        wait_until(
            lambda: EmailDeadLetter.objects.filter(notification=notice).exists(),
            timeout=40,
            what="the redelivered task to dead-letter the e-mail",
            on_timeout=worker.log_tail,
        )
        time.sleep(2)
        assert len(smtp.messages) == 1 and smtp.connections == 1, "the e-mail was sent again"
        letter = EmailDeadLetter.objects.get(notification=notice)
        assert letter.error.startswith("Uncertain") and letter.address == sam.email
        assert Notification.objects.get(pk=notice.pk).email_state == EmailState.FAILED
        assert "WorkerLostError" in worker.log()
    finally:
        smtp.close()


def test_a_worker_killed_mid_batch_sends_the_rest_once_and_only_the_cut_off_e_mail_is_uncertain(
    celery_processes,  # noqa: F811
):
    smtp = HangingSmtpServer()
    try:
        people = [user_with("data steward", username=f"steward.batch{n}") for n in range(3)]
        worker = _killed_after_the_first_mail(celery_processes, smtp, people)  # two of the batch not yet sent

        notices = list(Notification.objects.filter(recipient__in=people).order_by("pk"))
        wait_until(
            lambda: (
                Notification.objects.filter(pk__in=[n.pk for n in notices], email_state="sent").count() == 2
            ),
            timeout=40,
            what="the redelivered batch to send the other two",
            on_timeout=worker.log_tail,
        )
        time.sleep(2)
        assert len(smtp.messages) == 3 and smtp.connections == 2, "an e-mail was sent twice"
        letter = EmailDeadLetter.objects.get()
        assert letter.notification == notices[0] and letter.error.startswith("Uncertain")
        states = [Notification.objects.get(pk=n.pk).email_state for n in notices]
        assert states == [EmailState.FAILED, EmailState.SENT, EmailState.SENT]
    finally:
        smtp.close()
