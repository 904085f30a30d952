"""The survey e-mails leaving: the invitation's row is its outbox entry, as a notification's is
(intimacy_ops/notifications/delivery.py): `queued` → claimed `sending` by one run → `sent`, back to `queued`
when the mail server refused it (`failed` after MAX_ATTEMPTS), or `failed` as uncertain when a run stopped
between claiming and recording it — never sent a second time. The e-mail goes to the customer's contact
(a confidential field: never logged, never in the audit trail) through Django's mail connection.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from feedback.models import SurveyInvitation
from intimacy_ops.notifications.models import EmailState

log = logging.getLogger(__name__)

CLAIM_BATCH = 100
MAX_ATTEMPTS = 5
CUT_OFF_AFTER = datetime.timedelta(hours=1)
UNCERTAIN = (
    "Uncertain: the run stopped while sending it; not resent (it may have left): check with the customer."
)
NO_CONTACT = "The customer has no contact e-mail."

QUESTIONS = {
    SurveyInvitation.Survey.NPS: (
        "How likely are you to recommend us?",
        "On a scale from 0 (not at all likely) to 10 (extremely likely), how likely are you to recommend us "
        "to a colleague?",
    ),
    SurveyInvitation.Survey.CES: (
        "How easy was it to get what you needed from us?",
        "On a scale from 1 (very difficult) to 7 (very easy), how easy was it to get what you needed from us "
        "lately?",
    ),
}


def message(invitation: SurveyInvitation) -> EmailMessage:
    subject, question = QUESTIONS[invitation.survey]
    manager = invitation.customer.account_manager
    signature = manager.display_name if manager else "Your account team"
    body = (
        f"Hello {invitation.customer.name} team,\n\n"
        f"One question, one minute: {question}\n\n"
        "Just reply to this e-mail with the number, and a few words on why if you like.\n\n"
        f"Thank you,\n{signature}\n"
    )
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.customer.contact_email],
        reply_to=[manager.email] if manager and manager.email else None,
    )


def _claim(now) -> str | None:
    """Claim up to CLAIM_BATCH queued e-mails for this run (rows another run holds are skipped)."""
    claim = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            SurveyInvitation.objects.filter(email_state=EmailState.QUEUED)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:CLAIM_BATCH]
        )
        claimed = SurveyInvitation.objects.filter(pk__in=ids, email_state=EmailState.QUEUED).update(
            email_state=EmailState.SENDING, email_claim=claim, email_state_at=now
        )
    return claim if claimed else None


def _move(pks: list[int], claim: str, state: str, **fields) -> None:
    """From this run's claim to `state`, in one UPDATE (a row dead-lettered meanwhile stays as it is)."""
    if pks:
        SurveyInvitation.objects.filter(pk__in=pks, email_state=EmailState.SENDING, email_claim=claim).update(
            email_state=state, email_state_at=timezone.now(), **fields
        )


def _send_batch(claim: str) -> tuple[int, int, bool]:
    """Send this claim's e-mails over one connection; record them in a few UPDATEs (not one per e-mail).
    Returns (delivered, failed, refused): a refusal stops the run (the server is likely down)."""
    rows = list(
        SurveyInvitation.objects.filter(email_claim=claim, email_state=EmailState.SENDING)
        .select_related("customer__account_manager")
        .order_by("pk")
    )
    connection = get_connection()
    sent, no_contact = [], []
    refused = None
    for invitation in rows:
        if not invitation.customer.contact_email:
            no_contact.append(invitation.pk)
            continue
        try:
            connection.send_messages([message(invitation)])
        except Exception as error:  # refused or unreachable: try again next run, up to MAX_ATTEMPTS
            refused = (invitation, error)
            break
        sent.append(invitation.pk)
    _move(sent, claim, EmailState.SENT, email_error="")
    _move(no_contact, claim, EmailState.FAILED, email_error=NO_CONTACT)
    gave_up = 0
    if refused is not None:
        invitation, error = refused
        attempts = invitation.email_attempts + 1
        gave_up = int(attempts >= MAX_ATTEMPTS)
        _move(
            [invitation.pk],
            claim,
            EmailState.FAILED if gave_up else EmailState.QUEUED,
            email_attempts=attempts,
            # Its kind only: a mail server's words may quote the contact's address (confidential).
            email_error=f"The mail server refused it ({type(error).__name__}); tried {attempts} time(s).",
        )
        log.warning(
            "survey invitation %s: the mail server refused it (%s)", invitation.pk, type(error).__name__
        )
        untried = [row.pk for row in rows if row.pk not in set(sent) | set(no_contact) | {invitation.pk}]
        _move(untried, claim, EmailState.QUEUED)
    return len(sent), len(no_contact) + gave_up, refused is not None


def deliver_queued(*, now) -> dict[str, int]:
    """Send the queued survey e-mails once each; stop at the first refusal (the server is likely down).
    A run stopped between sending a claimed batch and recording it leaves its rows `sending`: after
    CUT_OFF_AFTER they are `failed` as uncertain, never sent twice."""
    failed = SurveyInvitation.objects.filter(
        email_state=EmailState.SENDING, email_state_at__lt=now - CUT_OFF_AFTER
    ).update(email_state=EmailState.FAILED, email_error=UNCERTAIN, email_state_at=now)
    delivered = 0
    refused = False
    while not refused:
        claim = _claim(now)
        if claim is None:
            break
        sent, lost, refused = _send_batch(claim)
        delivered += sent
        failed += lost
    waiting = SurveyInvitation.objects.filter(email_state=EmailState.QUEUED).count()
    return {"delivered": delivered, "failed": failed, "waiting": waiting}
