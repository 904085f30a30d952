"""Survey invitations (issue 19, item 5): an account manager schedules an NPS or CES survey to a customer's
contact; the check `feedback.surveys_due` sends it when due — unless the customer is held then (in recovery
from an incident: feedback/holds.py), when it is suppressed with the reason, and put back to scheduled (and so
sent) by a later run once the hold ended.

The check, in the README's "Checks act in bulk" shape:
1. held invitations whose hold ended → `resume` (per `SKIP LOCKED` batch: one holds query, one guarded UPDATE);
2. due scheduled ones → `suppress` (the reason stored first, one UPDATE per distinct reason) or `send`
   (`email_state` queued), per batch through `lifecycle.apply_many`, so a crash undoes the batch and the next
   run completes it;
3. the queued e-mails leave (feedback/services/survey_mail.py): each claimed before the mail server sees it,
   so two runs at once send it once, and one whose send a crash cut off is never sent twice.
Audit events name the invitation, its customer and survey, never the contact's address.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from feedback import holds
from feedback.models import SurveyInvitation
from feedback.services import survey_mail
from intimacy_ops import access, audit, checks, errors, lifecycle
from intimacy_ops.notifications.models import EmailState
from segments.models import Customer

BATCH_SIZE = 500
S = SurveyInvitation.Status
OPEN = (S.SCHEDULED, S.SUPPRESSED)


def schedule_survey(
    *, actor, customer: Customer, survey: str, due_on: datetime.date | None
) -> SurveyInvitation:
    """Ask a customer's contact for an NPS or CES answer on a day; 404 for a customer out of scope."""
    access.require(actor, "create", SurveyInvitation)
    customer = access.get_visible(actor, Customer, pk=customer.pk)
    access.require(actor, "schedule_survey", customer)
    problems: dict[str, list[str]] = {}
    if survey not in SurveyInvitation.Survey.values:
        problems["survey"] = [f"'{survey}' is not a survey: use {', '.join(SurveyInvitation.Survey.values)}."]
    if due_on is None:
        problems["due_on"] = ["Required."]
    elif due_on < timezone.localdate():
        problems["due_on"] = ["Cannot be in the past."]
    if not customer.contact_email:
        problems["customer"] = ["This customer has no contact e-mail: add one on the customer first."]
    if problems:
        raise errors.ValidationFailed(problems)
    try:
        with transaction.atomic():
            waiting = SurveyInvitation.objects.filter(
                customer=customer, survey=survey, status__in=OPEN
            ).first()
            if waiting is not None:
                raise errors.Conflict(
                    f"A {waiting.get_survey_display()} is already {waiting.get_status_display().lower()} for "
                    f"{customer.name} (due {waiting.due_on:%d %b %Y}): cancel it first."
                )
            invitation = SurveyInvitation.objects.create(
                customer=customer, survey=survey, due_on=due_on, scheduled_by=actor
            )
            audit.record(
                actor=actor,
                verb="survey_invitation.scheduled",
                obj=invitation,
                after={"customer": customer.pk, "survey": survey, "due_on": due_on.isoformat()},
            )
    except IntegrityError:  # the same survey scheduled at the same instant by someone else
        raise errors.Conflict(f"This survey is already scheduled for {customer.name}.") from None
    return invitation


def cancel_survey(*, actor, invitation: SurveyInvitation, comment: str = "") -> SurveyInvitation:
    """Withdraw a scheduled or held invitation (409 once it is sent or cancelled)."""
    with transaction.atomic():
        invitation = (
            access.visible(actor, SurveyInvitation)
            .select_for_update(of=("self",))
            .select_related("customer")
            .get(pk=invitation.pk)
        )
        lifecycle.apply(invitation, "cancel", actor=actor, comment=comment)
    return invitation


# --- the check ------------------------------------------------------------------------------------------


def _resume(batch: list[SurveyInvitation], now) -> int:
    reasons = holds.reasons_for(invitation.customer_id for invitation in batch)
    ended = [invitation for invitation in batch if invitation.customer_id not in reasons]
    lifecycle.apply_many(ended, "resume", comment="The hold ended.", at=now)
    SurveyInvitation.objects.filter(pk__in=[i.pk for i in ended]).update(resumed_at=now)
    return len(ended)


def _send_or_hold(batch: list[SurveyInvitation], now) -> tuple[int, int]:
    reasons = holds.reasons_for(invitation.customer_id for invitation in batch)
    by_reason: dict[str, list[SurveyInvitation]] = {}
    free = []
    for invitation in batch:
        if invitation.customer_id in reasons:
            by_reason.setdefault(reasons[invitation.customer_id], []).append(invitation)
        else:
            free.append(invitation)
    for reason, held in by_reason.items():
        # The reason first: a held invitation always carries one (a constraint).
        SurveyInvitation.objects.filter(pk__in=[i.pk for i in held]).update(held_reason=reason, held_at=now)
        lifecycle.apply_many(held, "suppress", comment=f"Held: {reason}", at=now)
    lifecycle.apply_many(free, "send", at=now)
    SurveyInvitation.objects.filter(pk__in=[i.pk for i in free]).update(
        sent_at=now, email_state=EmailState.QUEUED, email_state_at=now
    )
    return len(free), len(batch) - len(free)


def send_due_surveys(*, today: datetime.date | None = None) -> checks.CheckResult:
    """Resume what is no longer held, send or hold what is due, deliver the e-mails. Idempotent, safe twice at once."""
    today = today or timezone.localdate()
    now = timezone.now()
    # What the check decides on, and what an audit event names the row by (its __str__: survey, due day).
    columns = ("id", "customer_id", "status", "survey", "due_on")
    held = SurveyInvitation.objects.filter(status=S.SUPPRESSED).only(*columns)
    held_ids = list(held.order_by("pk").values_list("pk", flat=True))
    resumed = sum(checks.in_locked_batches(held, held_ids, lambda b: _resume(b, now), size=BATCH_SIZE))
    due = SurveyInvitation.objects.filter(status=S.SCHEDULED, due_on__lte=today).only(*columns)
    due_ids = list(due.order_by("pk").values_list("pk", flat=True))
    done = checks.in_locked_batches(due, due_ids, lambda b: _send_or_hold(b, now), size=BATCH_SIZE)
    sent, suppressed = sum(d[0] for d in done), sum(d[1] for d in done)
    mailed = survey_mail.deliver_queued(now=now)
    return checks.CheckResult(
        summary=(
            f"{checks.plural(sent, 'survey invitation')} sent, {suppressed} held (customer in recovery), "
            f"{resumed} resumed; {checks.plural(mailed['delivered'], 'e-mail')} delivered, "
            f"{mailed['failed']} failed, {mailed['waiting']} waiting"
        ),
        counts={"sent": sent, "suppressed": suppressed, "resumed": resumed, **mailed},
    )
