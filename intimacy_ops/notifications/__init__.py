"""In-app notifications and their e-mail copies: `notify(users, subject, body, link)`.

Stored at once (in the caller's transaction); the e-mails leave when that transaction commits,
so nobody is told about something that was rolled back.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

log = logging.getLogger(__name__)


def notify(users: Iterable, *, subject: str, body: str, link: str = "") -> list:
    """Tell each user (in the app, and by e-mail when they have an address); returns the notifications."""
    from intimacy_ops.notifications.models import Notification

    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, subject=subject[:200], body=body, link=link)
            for user in recipients.values()
        ]
    )
    addresses = [user.email for user in recipients.values() if user.email]
    if addresses:
        transaction.on_commit(lambda: _send(addresses, subject, body, link))
    return notifications


def _send(addresses: list[str], subject: str, body: str, link: str) -> None:
    text = f"{body}\n\n{link}" if link else body
    messages = [
        EmailMessage(
            subject=f"[Intimacy Ops] {subject}",
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        for address in addresses
    ]
    try:
        get_connection().send_messages(messages)
    except Exception:  # the in-app notification is stored; a mail server hiccup must not undo the act
        log.exception("could not send %d notification e-mail(s): %s", len(messages), subject)


def mark_all_read(user) -> int:
    """The user has seen their notifications; returns how many were unread."""
    from django.utils import timezone

    from intimacy_ops.notifications.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user) -> int:
    from intimacy_ops.notifications.models import Notification

    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
