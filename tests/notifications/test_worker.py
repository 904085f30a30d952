"""With NOTIFICATION_EMAIL_DELIVERY=worker (the default outside tests), an urgent notification's e-mail leaves
through the broker and a real worker sends it."""

import pytest
from django.test import override_settings

from intimacy_ops.notifications import notify
from intimacy_ops.notifications.models import Notification
from tests.factories import user_with
from tests.worker.conftest import celery_log_dir, celery_processes, wait_until  # noqa: F401  (fixtures)

# Serialized rollback: this test runs mid-suite (the worker folder's own tests run last), so it must leave the
# database as a later serialized-rollback test expects it.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_real_worker_sends_the_notification_email_enqueued_on_commit(celery_processes, tmp_path):  # noqa: F811
    mail_dir = tmp_path / "mail"
    celery_processes.worker(env={"EMAIL_URL": f"file://{mail_dir}"})
    sam = user_with("data steward", username="steward.worker")

    with override_settings(NOTIFICATION_EMAIL_DELIVERY="worker"):
        notify([sam], subject="Escalation, level 1: SLA breached", body="Act now.", urgent=True)

    wait_until(
        lambda: Notification.objects.filter(recipient=sam, email_state="sent").exists(),
        timeout=40,
        what="the worker to send the e-mail",
    )
    (sent,) = list(mail_dir.iterdir())
    assert "Escalation, level 1: SLA breached" in sent.read_text() and sam.email in sent.read_text()
