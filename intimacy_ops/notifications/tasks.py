"""Celery tasks of notifications: the e-mail copies, a task per batch of notifications' e-mails and one per
daily digest (enqueued by `enqueue_emails`)."""

from celery import Task, shared_task

from intimacy_ops.notifications import delivery

# Retried with exponential backoff while the mail server or the network fails (SMTPException and socket
# errors are OSErrors); after the last retry the e-mail becomes a dead letter. acks_late: a worker that dies
# leaves the message on the broker for the next one; delivery claims the row before sending, so the redelivered
# attempt never sends twice (it dead-letters an e-mail whose send was cut off as uncertain).
EMAIL_RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "ignore_result": True,  # nobody reads it; the row's email_state is the record
}


class EmailTask(Task):
    """On final failure (retries spent, or an error not worth retrying), the e-mail is kept as a dead letter."""

    dead_letter_key = ""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        delivery.record_dead_letter(
            **{self.dead_letter_key: args[0]},
            error=f"{type(exc).__name__}: {exc}",
            attempts=self.request.retries + 1,
        )


class NotificationEmailTask(EmailTask):
    dead_letter_key = "notification_id"


class NotificationEmailsTask(Task):
    """On final failure, each e-mail of the batch not sent yet is kept as a dead letter."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        delivery.dead_letter_unsent(
            notification_ids=args[0], error=f"{type(exc).__name__}: {exc}", attempts=self.request.retries + 1
        )


class DigestEmailTask(EmailTask):
    dead_letter_key = "digest_id"


def claim_of(task: Task) -> str:
    """This attempt: a redelivery of the same message has the same task id and retry number; a retry does not."""
    return f"{task.request.id}:{task.request.retries}"


@shared_task(
    name="intimacy_ops.send_notification_emails", base=NotificationEmailsTask, bind=True, **EMAIL_RETRY
)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """Send a batch of notifications' e-mail copies over one connection; how many were sent now."""
    return delivery.deliver_emails(notification_ids=notification_ids, claim=claim_of(self))


# One e-mail per task: what enqueue_emails sent before batches (messages still on a broker at the upgrade).
@shared_task(
    name="intimacy_ops.send_notification_email", base=NotificationEmailTask, bind=True, **EMAIL_RETRY
)
def send_notification_email(self, notification_id: int) -> bool:
    """Send one notification's e-mail copy."""
    return delivery.deliver_email(notification_id=notification_id, claim=claim_of(self))


@shared_task(name="intimacy_ops.send_digest_email", base=DigestEmailTask, bind=True, **EMAIL_RETRY)
def send_digest_email(self, digest_id: int) -> bool:
    """Send one daily digest e-mail."""
    return delivery.deliver_digest(digest_id=digest_id, claim=claim_of(self))
