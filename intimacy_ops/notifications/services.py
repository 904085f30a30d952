"""Writes of notifications beyond `notify`: each person's e-mail preference and the daily digest.
(The e-mails themselves leave through notifications/tasks.py and delivery.py.)"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from intimacy_ops import audit, errors
from intimacy_ops.notifications import delivery, enqueue_emails
from intimacy_ops.notifications.models import (
    EmailPreference,
    EmailState,
    Kind,
    Notification,
    NotificationDigest,
    NotificationPreference,
)


def set_preference(*, user, email: str, muted_kinds: list[str] | None = None) -> NotificationPreference:
    """Choose how the e-mail copies of non-urgent notifications reach you (urgent ones always go at once) and,
    when `muted_kinds` is given, which kinds you no longer hear about."""
    if email not in EmailPreference.values:
        raise errors.ValidationFailed({"email": f"Choose one of: {', '.join(EmailPreference.values)}."})
    if muted_kinds is not None and set(muted_kinds) - set(Kind.values):
        raise errors.ValidationFailed({"kinds": f"Choose among: {', '.join(Kind.values)}."})
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        before = {"email": preference.email, "muted_kinds": sorted(preference.muted_kinds or [])}
        preference.email = email
        if muted_kinds is not None:
            preference.muted_kinds = sorted(set(muted_kinds))
        preference.save(update_fields=["email", "muted_kinds", "updated_at"])
        after = {"email": preference.email, "muted_kinds": preference.muted_kinds}
        if before != after:
            audit.record(
                actor=user,
                verb="notifications.preference_changed",
                obj=preference,
                before=before,
                after=after,
            )
    return preference


def muted_kinds_of(user) -> set[str]:
    return set(
        NotificationPreference.objects.filter(user=user).values_list("muted_kinds", flat=True).first() or ()
    )


def preference_of(user) -> str:
    return (
        NotificationPreference.objects.filter(user=user).values_list("email", flat=True).first()
        or EmailPreference.IMMEDIATE
    )


def send_daily_digests(*, today: datetime.date) -> int:
    """One digest e-mail per person and day gathering their held notifications; returns how many were made.

    Idempotent: the database allows one digest per person and day, and a held notification goes into one
    digest only (rows locked with skip_locked, so two runs at once never wait for or repeat each other).
    """
    recipient_ids = list(
        Notification.objects.filter(email_state=EmailState.HELD)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    # One transaction per person (see _digest_for): slicing the list into batches would add nothing.
    return sum(_digest_for(recipient_id=recipient_id, today=today) for recipient_id in recipient_ids)


def _digest_for(*, recipient_id: int, today: datetime.date) -> bool:
    try:
        with transaction.atomic():
            digest = NotificationDigest.objects.create(recipient_id=recipient_id, sent_on=today)
            held = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(recipient_id=recipient_id, email_state=EmailState.HELD)
                .values_list("pk", flat=True)
            )
            if not held:
                transaction.set_rollback(True)
                return False
            Notification.objects.filter(pk__in=held).update(email_state=EmailState.DIGESTED)
            digest.notifications.set(held)
            transaction.on_commit(lambda: enqueue_emails(digest_ids=[digest.pk]))
    except IntegrityError:  # today's digest for this person exists: the rest waits for tomorrow's
        return False
    return True


# The outbox. An e-mail's task is enqueued when its act commits; one still "queued", never claimed, this long
# after is taken to have missed the broker (down at commit time, or restarted and lost it) and is enqueued
# again. One a task attempt claimed and put back for a retry belongs to that task's retries (their back-off
# reaches 30 minutes), so it is enqueued again only after RETRY_HORIZON. One left "sending" that long lost
# its worker mid-send and its redelivery: it becomes an uncertain dead letter, never a second send.
OUTBOX_GRACE = datetime.timedelta(minutes=2)
RETRY_HORIZON = datetime.timedelta(hours=1)
OUTBOX_BATCH = 500


def resend_waiting_emails(*, now: datetime.datetime) -> dict[str, int]:
    """Enqueue again the e-mails no broker took; dead-letter the ones whose send was cut off. Idempotent.

    Returns counts: `enqueued` again, still `waiting` (the broker refused them), `uncertain` dead letters.
    A second task for the same e-mail sends nothing (delivery claims the row first), so enqueueing one twice
    costs a no-op task, never a second e-mail.
    """
    enqueued = waiting = uncertain = 0
    for model, key in ((Notification, "notification_ids"), (NotificationDigest, "digest_ids")):
        stale = Q(email_state=EmailState.QUEUED) & (
            Q(email_claim="", email_state_at__lt=now - OUTBOX_GRACE)
            | Q(email_state_at__lt=now - RETRY_HORIZON)
        )
        ids = list(
            model.objects.filter(stale).order_by("email_state_at").values_list("pk", flat=True)[:OUTBOX_BATCH]
        )
        handed = [pk for _kind, pk in enqueue_emails(**{key: ids})]
        # Each handed over restarts its clock, so the next run leaves it to its task for another grace period.
        model.objects.filter(pk__in=handed, email_state=EmailState.QUEUED).update(email_state_at=now)
        enqueued += len(handed)
        waiting += len(ids) - len(handed)
        cut_off = model.objects.filter(email_state=EmailState.SENDING, email_state_at__lt=now - RETRY_HORIZON)
        for pk in cut_off.values_list("pk", flat=True)[:OUTBOX_BATCH]:
            uncertain += bool(
                delivery.record_dead_letter(**{key[:-4] + "_id": pk}, error=delivery.UNCERTAIN, attempts=1)
            )
    return {"enqueued": enqueued, "waiting": waiting, "uncertain": uncertain}
