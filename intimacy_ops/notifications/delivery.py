"""The e-mail copies leaving: one notification's e-mail or one daily digest sent (called by the Celery
tasks in notifications/tasks.py), and the dead letter kept when the mail server refused it to the end.

Each e-mail's row is its outbox entry: "queued" until a task attempt claims it ("sending"), then "sent",
back to "queued" for a retry, or "failed" with a dead letter. The outbox check (services.resend_waiting_emails)
hands over again what no broker took, so nothing depends on the broker being up when the act commits.
"""

import contextlib
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
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


# A redelivered attempt that finds its own claim still "sending": its worker stopped between handing the
# e-mail to the mail server and recording it sent. Whether it left is unknown; resending could send it twice.
UNCERTAIN = (
    "Uncertain: the worker stopped while sending this e-mail, so it may or may not have left. "
    "Not resent (that could send it twice): check with the recipient."
)


# Notifications' e-mails travel in batches: one task and one mail-server connection for up to this many.
EMAIL_BATCH = 100


def deliver_email(*, notification_id: int, claim: str = "") -> bool:
    """Send one notification's e-mail copy; True if sent now (a batch of one: see `deliver_emails`)."""
    return deliver_emails(notification_ids=[notification_id], claim=claim) == 1


def deliver_emails(*, notification_ids: list[int], claim: str = "") -> int:
    """Send a batch of notifications' e-mail copies over one connection; returns how many were sent now.

    Each e-mail is sent at most once, as `_send_once` sends one: the batch's rows are claimed together
    ("sending", with this attempt's `claim`), then sent in id order, each recorded "sent" as soon as the mail
    server took it. Rows another attempt claimed are left to it. A refused send puts it and the batch's rest
    back to "queued" for the task's retry (what was sent stays sent). The same attempt delivered again
    (acks_late after its worker died mid-batch) finds its own claims: only the first of them can have left
    (it is dead-lettered as uncertain); the later ones never reached the mail server and are sent.
    SMTP and connection errors propagate, so the task retries them.
    """
    claim = claim or f"direct-{uuid.uuid4().hex}"
    ids = sorted(set(notification_ids))
    mine = Notification.objects.filter(pk__in=ids, email_state=EmailState.SENDING, email_claim=claim)
    cut_off = list(mine.order_by("pk").values_list("pk", flat=True))
    if cut_off:
        record_dead_letter(notification_id=cut_off[0], error=UNCERTAIN, attempts=_attempt_of(claim))
    Notification.objects.filter(pk__in=ids, email_state=EmailState.QUEUED).update(
        email_state=EmailState.SENDING, email_claim=claim, email_state_at=timezone.now()
    )
    rows = list(mine.select_related("recipient").order_by("pk"))
    sent, connection = 0, None
    try:
        for row in rows:
            if not row.recipient.email:
                _move(Notification, row.pk, claim, EmailState.NONE)
                continue
            if connection is None:
                connection = get_connection()
                connection.open()
            connection.send_messages([_notification_message(row)])
            _move(Notification, row.pk, claim, EmailState.SENT)
            sent += 1
    except BaseException:
        mine.update(email_state=EmailState.QUEUED, email_state_at=timezone.now())
        raise
    finally:
        if connection is not None:
            # What was sent is recorded: a failing goodbye to the mail server changes nothing.
            with contextlib.suppress(Exception):
                connection.close()
    return sent


def deliver_digest(*, digest_id: int, claim: str = "") -> bool:
    """Send one daily digest e-mail; True if sent now."""
    return _send_once(NotificationDigest, digest_id, claim, _digest_message)


def _send_once(model, pk: int, claim: str, compose) -> bool:
    """The e-mail's row is claimed ("sending", with this attempt's `claim`) before the mail server sees it.

    Another attempt finding it claimed sends nothing: a duplicate task (the outbox check re-enqueued it) leaves it
    to the claimant; the same attempt delivered again (acks_late after its worker died mid-send) dead-letters
    it as uncertain. A refused send puts the row back to "queued" for the task's retry.
    """
    claim = claim or f"direct-{uuid.uuid4().hex}"
    claimed = model.objects.filter(pk=pk, email_state=EmailState.QUEUED).update(
        email_state=EmailState.SENDING, email_claim=claim, email_state_at=timezone.now()
    )
    if not claimed:
        if model.objects.filter(pk=pk, email_state=EmailState.SENDING, email_claim=claim).exists():
            record_dead_letter(**{_KEY[model]: pk}, error=UNCERTAIN, attempts=_attempt_of(claim))
        return False
    row = model.objects.select_related("recipient").get(pk=pk)
    if not row.recipient.email:
        _move(model, pk, claim, EmailState.NONE)
        return False
    try:
        get_connection().send_messages([compose(row)])
    except BaseException:
        _move(model, pk, claim, EmailState.QUEUED)
        raise
    _move(model, pk, claim, EmailState.SENT)
    return True


def _move(model, pk: int, claim: str, state: str) -> None:
    """From this attempt's claim to `state` (a row the outbox check dead-lettered meanwhile stays as it is).

    The state is tested in the SET, not the WHERE: `email_state = 'sending'` in the WHERE let PostgreSQL read
    the row through the outbox's partial index, which statistics taken while the outbox was empty call tiny —
    during a sweep's 20,000 e-mails each of these updates walked it, 4 ms instead of 0.1 (bench/README.md).
    One fixed statement, not the ORM's: building the update's CASE expressions cost more CPU than sending
    the e-mail it records (a millisecond an e-mail, bench/README.md)."""
    with connection.cursor() as cursor:
        cursor.execute(_MOVE.format(table=connection.ops.quote_name(model._meta.db_table)),
                       [EmailState.SENDING, state, EmailState.SENDING, timezone.now(), pk, claim])  # fmt: skip


_MOVE = (
    "UPDATE {table} SET email_state = CASE WHEN email_state = %s THEN %s ELSE email_state END, "
    "email_state_at = CASE WHEN email_state = %s THEN %s ELSE email_state_at END "
    "WHERE id = %s AND email_claim = %s"
)


def _attempt_of(claim: str) -> int:
    retries = claim.rpartition(":")[2]
    return int(retries) + 1 if retries.isdigit() else 1


def _notification_message(notification: Notification) -> EmailMessage:
    return _message(
        address=notification.recipient.email, subject=notification.subject, body=_text(notification)
    )


def _digest_message(digest: NotificationDigest) -> EmailMessage:
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
    return _message(
        address=digest.recipient.email,
        subject=f"Your daily digest for {digest.sent_on:%Y-%m-%d}",
        body="\n".join(lines),
    )


_KEY = {Notification: "notification_id", NotificationDigest: "digest_id"}


def dead_letter_unsent(*, notification_ids: list[int], error: str, attempts: int) -> int:
    """A batch's task gave up: each of its e-mails not sent (still waiting for a retry) becomes a dead letter."""
    unsent = Notification.objects.filter(
        pk__in=notification_ids, email_state__in=[EmailState.QUEUED, EmailState.SENDING]
    ).values_list("pk", flat=True)
    return sum(
        record_dead_letter(notification_id=pk, error=error, attempts=attempts) is not None for pk in unsent
    )


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
            type(source).objects.filter(pk=source.pk).update(
                email_state=EmailState.FAILED, email_state_at=timezone.now()
            )
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
