"""Kernel tasks: thin wrappers that call services (the e-mail copies live with notifications)."""

from celery import shared_task

from intimacy_ops import checks
from intimacy_ops.notifications.tasks import send_digest_email, send_notification_email

__all__ = ["run_check", "send_digest_email", "send_notification_email"]


@shared_task(name="intimacy_ops.run_check")
def run_check(name: str, trigger: str = "beat") -> str:
    """Run one registered periodic check (beat sends one of these per schedule entry; "run now" too).

    The run is recorded as a CheckRun; an error is recorded there and re-raised, so Celery sees it.
    """
    return checks.run(name, trigger=trigger).summary
