"""The e-mail copies leaving: one notification's e-mail or one daily digest sent (called by the Celery
tasks in notifications/tasks.py), and the dead letter kept when the mail server refused it to the end."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from intimacy_ops import audit
from intimacy_ops.notifications.models import EmailDeadLetter, EmailState, Notification, NotificationDigest

log = logging.getLogger(__name__)


def _message(*, address: str, subject: str, body: str) -> EmailMessage:
    return EmailMessage(
        subject=f"[Intimacy Ops] {subject}", body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
    )


def _text(notification: Notification) -> str:
    return f"{notification.body}\n\n{notification.link}" if notification.link else notification.body


def deliver_email(*, notification_id: int) -> bool:
    """Send one notification's e-mail copy; True if sent now. A second delivery of the same task sends nothing.

    SMTP and connection errors propagate, so the task retries them.
    """
    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=notification_id, email_state=EmailState.QUEUED)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return False
    message = _message(
        address=notification.recipient.email, subject=notification.subject, body=_text(notification)
    )
    get_connection().send_messages([message])
    Notification.objects.filter(pk=notification.pk).update(email_state=EmailState.SENT)
    return True


def deliver_digest(*, digest_id: int) -> bool:
    """Send one daily digest e-mail; True if sent now."""
    digest = (
        NotificationDigest.objects.select_related("recipient")
        .filter(pk=digest_id, email_state=EmailState.QUEUED)
        .first()
    )
    if digest is None or not digest.recipient.email:
        return False
    items = list(digest.notifications.order_by("created_at", "id"))
    lines = [
        f"What happened since your last digest ({len(items)} notification{'s' if len(items) != 1 else ''}):",
        "",
    ]
    for item in items:
        lines.append(f"- {item.created_at:%Y-%m-%d %H:%M} UTC  {item.subject}")
        if item.body:
            lines.append(f"  {item.body}")
        if item.link:
            lines.append(f"  {item.link}")
    lines += ["", "Change how you receive e-mail: /notifications/settings/"]
    message = _message(
        address=digest.recipient.email,
        subject=f"Your daily digest for {digest.sent_on:%Y-%m-%d}",
        body="\n".join(lines),
    )
    get_connection().send_messages([message])
    NotificationDigest.objects.filter(pk=digest.pk).update(email_state=EmailState.SENT)
    return True


def record_dead_letter(
    *, notification_id: int | None = None, digest_id: int | None = None, error: str, attempts: int
) -> EmailDeadLetter | None:
    """The mail server refused an e-mail after every retry: keep it where administrators see it. Once per e-mail."""
    if notification_id is not None:
        source = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
        target = {"notification": source}
    else:
        source = NotificationDigest.objects.select_related("recipient").filter(pk=digest_id).first()
        target = {"digest": source}
    if source is None:
        return None
    subject = source.subject if notification_id is not None else f"Daily digest for {source.sent_on:%Y-%m-%d}"
    try:
        with transaction.atomic():
            letter, created = EmailDeadLetter.objects.get_or_create(
                **target,
                defaults={
                    "address": source.recipient.email,
                    "subject": subject[:250],
                    "error": error[:4000],
                    "attempts": attempts,
                    "failed_at": timezone.now(),
                },
            )
            type(source).objects.filter(pk=source.pk).update(email_state=EmailState.FAILED)
    except IntegrityError:  # a concurrent failure of the same e-mail recorded it first
        return None
    if created:
        log.error(
            "e-mail to %s failed %d time(s), kept as dead letter %s: %s",
            letter.address,
            attempts,
            letter.pk,
            error,
        )
        audit.record(
            actor=None,
            verb="email.dead_letter",
            obj=letter,
            after={"attempts": attempts, "error": error[:200]},
        )
    return letter
