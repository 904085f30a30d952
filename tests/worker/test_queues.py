"""Two queues (settings: CELERY_TASK_ROUTES): e-mails go to `mail`, checks and imports to `checks`, each with
its own worker in docker-compose.yml, so a long bulk check never delays an urgent escalation e-mail."""

from pathlib import Path

import pytest
from django.test import override_settings

from intimacy_ops.celery import app
from intimacy_ops.checks import run_check
from intimacy_ops.notifications import notify
from intimacy_ops.notifications.models import Notification
from intimacy_ops.notifications.tasks import (
    send_digest_email,
    send_notification_email,
    send_notification_emails,
)
from segments.tasks import run_import
from tests.factories import user_with
from tests.worker import probe_tasks
from tests.worker.conftest import purge, wait_until

pytestmark = pytest.mark.worker

HOLD_SECONDS = 10  # long enough to show the e-mail does not wait; short, so the task ends within the test


def waiting(queue: str) -> int:
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue, passive=False).message_count


@pytest.fixture
def empty_queues():
    purge("checks", "mail")
    yield
    purge("checks", "mail")


def test_e_mails_wait_in_the_mail_queue_and_checks_and_imports_in_the_checks_queue(empty_queues):
    send_notification_emails.delay([1, 2])
    send_notification_email.delay(1)  # one e-mail per task, as enqueued before batches
    send_digest_email.delay(2)
    run_check.delay("heartbeat")
    run_import.delay(3)
    probe_tasks.where_am_i.delay()  # a task nobody routed goes to the default queue, `checks`

    assert waiting("mail") == 3
    assert waiting("checks") == 3


def test_a_mail_worker_sends_an_urgent_e_mail_while_the_checks_worker_is_busy(celery_processes, tmp_path):
    mail_dir = tmp_path / "mail"
    marker = tmp_path / "marker"
    celery_processes.worker(queue="checks")
    celery_processes.worker(queue="mail", env={"EMAIL_URL": f"file://{mail_dir}"})
    # A long bulk check keeps the (single-process) checks worker busy.
    busy = probe_tasks.record_then_hold.delay(str(marker), HOLD_SECONDS)
    wait_until(
        lambda: marker.exists() and marker.read_text().strip(), timeout=20, what="the long task to start"
    )
    sam = user_with("data steward", username="steward.queues")

    with override_settings(NOTIFICATION_EMAIL_DELIVERY="worker"):
        notify([sam], subject="Escalation, level 2: SLA breached", body="Act now.", urgent=True)

    wait_until(
        lambda: Notification.objects.filter(recipient=sam, email_state="sent").exists(),
        timeout=30,
        what="the mail worker to send the e-mail",
    )
    assert not busy.ready(), "the e-mail should leave while the long check still runs"
    (sent,) = list(Path(mail_dir).iterdir())
    assert "Escalation, level 2: SLA breached" in sent.read_text()
    assert busy.get(timeout=HOLD_SECONDS + 20) == [int(marker.read_text().split()[0])]
