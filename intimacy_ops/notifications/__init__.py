"""In-app notifications and their e-mail copies: `notify(users, subject, body, link, urgent)`.

Stored at once (in the caller's transaction). The e-mail copies leave through a Celery task enqueued when
that transaction commits, so nobody is told about something that was rolled back, and a mail server that
keeps failing costs a dead letter, never the notification. A broker that is down costs nothing either: the
e-mail stays "queued" and the outbox check (notifications/checks.py) hands it over once the broker is back. Each person chooses how non-urgent copies reach
them (immediately, in a daily digest, or not at all); urgent ones (escalations) are always mailed at once.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from intimacy_ops.bulk_insert import insert_rows
from intimacy_ops.notifications.delivery import EMAIL_BATCH
from intimacy_ops.notifications.models import (
    EmailPreference,
    EmailState,
    Notification,
    NotificationPreference,
    kind_of_link,
)
from intimacy_ops.notifications.tasks import send_digest_email, send_notification_emails

log = logging.getLogger(__name__)


def notify(
    users: Iterable, *, subject: str, body: str, link: str = "", urgent: bool = False, kind: str = ""
) -> list[int]:
    """Tell each active user in the app, and by e-mail as their preference says; returns the notifications' ids.
    `kind` names the notification's kind when its link does not tell it (a mention: `Kind.MENTIONS`)."""
    return notify_many([(user, subject, body, link) for user in users], urgent=urgent, kind=kind)


def notify_many(messages: Iterable[tuple], *, urgent: bool = False, kind: str = "") -> list[int]:
    """Several messages at once — (user, subject, body, link) each — in one preference query and one insert,
    whatever their number (a check telling each person once what a batch did to their things; an urgent
    escalation's notices, one per escalation). A user is anything with `pk`, `is_active` and `email` (a
    check may pass plain values, no User instances); one appears once per distinct message; inactive users
    and None are skipped. Returns the new notifications' ids (a multi-row insert: `bulk_insert.insert_rows`)."""
    wanted, seen = [], set()
    for user, subject, body, link in messages:
        key = (getattr(user, "pk", None), subject, body, link)
        if user is not None and user.is_active and key not in seen:
            seen.add(key)
            wanted.append((user, subject, body, link))
    if not wanted:
        return []
    preferences, muted = {}, {}
    for user_id, email, muted_kinds in NotificationPreference.objects.filter(
        user_id__in={user.pk for user, *_ in wanted}
    ).values_list("user_id", "email", "muted_kinds"):
        preferences[user_id], muted[user_id] = email, set(muted_kinds or ())
    if not urgent:  # a kind the person muted is not told (urgent ones always are)
        wanted = [item for item in wanted if (kind or kind_of_link(item[3])) not in muted.get(item[0].pk, ())]
        if not wanted:
            return []

    def email_state(user) -> str:
        if not user.email:
            return EmailState.NONE
        preference = preferences.get(user.pk, EmailPreference.IMMEDIATE)
        if urgent or preference == EmailPreference.IMMEDIATE:
            return EmailState.QUEUED
        return EmailState.HELD if preference == EmailPreference.DIGEST else EmailState.NONE

    states = [email_state(user) for user, *_ in wanted]
    ids = insert_rows(
        Notification,
        ["recipient_id", "subject", "body", "link", "urgent", "email_state", "kind"],
        [
            (user.pk, subject[:200], body, link, urgent, state, kind or kind_of_link(link))
            for (user, subject, body, link), state in zip(wanted, states, strict=True)
        ],
    )
    queued = [pk for pk, state in zip(ids, states, strict=True) if state == EmailState.QUEUED]
    if queued:
        transaction.on_commit(lambda: enqueue_emails(notification_ids=queued))
    return ids


def enqueue_emails(*, notification_ids: list[int] = (), digest_ids: list[int] = ()) -> list[tuple[str, int]]:
    """Hand the e-mails to the worker (or, with NOTIFICATION_EMAIL_DELIVERY=inline, run their tasks here): the
    notifications' in batches of EMAIL_BATCH (one task and one mail-server connection each), each digest alone.

    Returns what was handed over, as ("notification" | "digest", id). With the broker down it stops at the
    first refusal (publishing gives up within a second, settings.CELERY_TASK_PUBLISH_RETRY_POLICY): the rest
    stay "queued" in the database, where the outbox check picks them up once the broker is back.
    """
    inline = settings.NOTIFICATION_EMAIL_DELIVERY == "inline"
    ids = list(notification_ids)
    jobs = [
        ("notification", send_notification_emails, ids[start : start + EMAIL_BATCH])
        for start in range(0, len(ids), EMAIL_BATCH)
    ] + [("digest", send_digest_email, pk) for pk in digest_ids]
    handed = []
    for kind, task, argument in jobs:
        try:
            if inline:
                task.apply(args=[argument])  # the same retries and dead letters, in this process
            else:
                task.apply_async(args=[argument])
        except Exception:  # the act is committed and the e-mails kept as queued: never undo them
            log.warning(
                "could not enqueue e-mail %s(%s); %d e-mail(s) wait for the outbox check",
                task.name,
                argument,
                len(ids) + len(digest_ids) - len(handed),
                exc_info=True,
            )
            break
        handed += [(kind, pk) for pk in argument] if kind == "notification" else [(kind, argument)]
    return handed


def mark_all_read(user) -> int:
    """The user has seen their notifications; returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def mark_read(user, pk: int) -> Notification | None:
    """The user opened one of their notifications: it is read from now on. None when it is not theirs."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is not None and notification.read_at is None:
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
