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


def _move(pk: int, claim: str, state: str, **fields) -> None:
    SurveyInvitation.objects.filter(pk=pk, email_state=EmailState.SENDING, email_claim=claim).update(
        email_state=state, email_state_at=timezone.now(), **fields
    )


def deliver_queued(*, now) -> dict[str, int]:
    """Send the queued survey e-mails once each; stop at the first refusal (the server is likely down)."""
    failed = SurveyInvitation.objects.filter(
        email_state=EmailState.SENDING, email_state_at__lt=now - CUT_OFF_AFTER
    ).update(email_state=EmailState.FAILED, email_error=UNCERTAIN, email_state_at=now)
    delivered = 0
    refused = False
    while not refused:
        claim = _claim(now)
        if claim is None:
            break
        rows = SurveyInvitation.objects.filter(
            email_claim=claim, email_state=EmailState.SENDING
        ).select_related("customer__account_manager")
        connection = get_connection()
        for invitation in rows.order_by("pk"):
            if refused:
                _move(invitation.pk, claim, EmailState.QUEUED)
                continue
            if not invitation.customer.contact_email:
                _move(invitation.pk, claim, EmailState.FAILED, email_error=NO_CONTACT)
                failed += 1
                continue
            try:
                connection.send_messages([message(invitation)])
            except Exception as error:  # refused or unreachable: try again next run, up to MAX_ATTEMPTS
                refused = True
                attempts = invitation.email_attempts + 1
                gave_up = attempts >= MAX_ATTEMPTS
                _move(
                    invitation.pk,
                    claim,
                    EmailState.FAILED if gave_up else EmailState.QUEUED,
                    email_attempts=attempts,
                    # Its kind only: a mail server's words may quote the contact's address (confidential).
                    email_error=f"The mail server refused it ({type(error).__name__}); tried {attempts} time(s).",
                )
                failed += gave_up
                log.warning(
                    "survey invitation %s: the mail server refused it (%s)",
                    invitation.pk,
                    type(error).__name__,
                )
                continue
            _move(invitation.pk, claim, EmailState.SENT, email_error="")
            delivered += 1
    waiting = SurveyInvitation.objects.filter(email_state=EmailState.QUEUED).count()
    return {"delivered": delivered, "failed": failed, "waiting": waiting}
