"""Kernel tasks, where Celery's autodiscovery looks for them: each lives beside the code it runs.

`intimacy_ops.run_check` with the registry of checks (intimacy_ops/checks.py); the e-mail copies with
notifications (intimacy_ops/notifications/tasks.py).
"""

from intimacy_ops.checks import run_check
from intimacy_ops.notifications.tasks import (
    send_digest_email,
    send_notification_email,
    send_notification_emails,
)

__all__ = ["run_check", "send_digest_email", "send_notification_email", "send_notification_emails"]
