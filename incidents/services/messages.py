"""Recording the message an affected customer was sent about an incident (issue 19, item 3).

The account manager previews the customer's message (incidents/selectors/messages.py), may edit the words,
and records it as sent: channel (e-mail, phone, meeting, other) and time (default now, never in the future
nor before the incident started). Who: the customer's account manager, a lead of the customer's region or an
administrator (`send_message`); a customer that is not affected or not one the person sees is a 400 naming
`customer`. Once per incident and customer: a second record is a 409 naming when and by whom the first was
(a message sent is a fact; a follow-up belongs in the customer's own history, not here). Words left empty take
the template's rendering; the row keeps the template version and whether the words were edited.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.models import Incident, IncidentMessage
from incidents.selectors import messages as selectors
from intimacy_ops import access, audit, errors, lifecycle

SENDING = {
    Incident.Status.OPEN,
    Incident.Status.MITIGATED,
    Incident.Status.RESOLVED,
    Incident.Status.REVIEWED,
}


def _already(incident: Incident, customer_id: int) -> errors.Conflict:
    first = IncidentMessage.objects.filter(incident=incident, customer_id=customer_id).select_related(
        "sent_by"
    )
    first = first.first()
    who = first.sent_by.display_name if first and first.sent_by else "someone"
    when = selectors.moment(first.sent_at) if first else "earlier"
    return errors.Conflict(
        f"Already recorded as sent on {when} by {who}: one message per customer and incident."
    )


def record(
    *,
    incident: Incident,
    actor,
    customer_id: int,
    channel: str,
    sent_at=None,
    subject: str = "",
    body: str = "",
) -> IncidentMessage:
    """Record that an affected customer was sent their message about the incident (once per customer)."""
    access.require(actor, "contact_customers", incident)
    now = timezone.now()
    problems: dict[str, list[str]] = {}
    if channel not in IncidentMessage.Channel.values:
        problems["channel"] = [f"Choose one of: {', '.join(IncidentMessage.Channel.values)}."]
    if sent_at is not None and sent_at > now:
        problems["sent_at"] = ["A message cannot be sent in the future."]
    elif sent_at is not None and sent_at < incident.started_at:
        problems["sent_at"] = ["It cannot be sent before the incident started."]
    subject, body = (subject or "").strip(), (body or "").strip()
    if len(subject) > 200:
        problems["subject"] = ["At most 200 characters."]
    affected = selectors.affected_row(actor, incident, customer_id)
    if affected is None:
        problems["customer"] = ["Name one of this incident's affected customers that you see."]
    if problems:
        raise errors.ValidationFailed(problems)
    access.require(actor, "send_message", affected)
    try:
        with transaction.atomic():
            incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
            lifecycle.require_state(incident, "record a message in", SENDING)
            if IncidentMessage.objects.filter(incident=incident, customer_id=affected.customer_id).exists():
                raise _already(incident, affected.customer_id)
            ready = selectors.compose(incident, [affected])[affected.customer_id]
            made = IncidentMessage.objects.create(
                incident=incident,
                customer_id=affected.customer_id,
                template=ready.template,
                subject=subject or ready.subject,
                body=body or ready.body,
                edited=(subject or ready.subject, body or ready.body) != (ready.subject, ready.body),
                channel=channel,
                sent_at=sent_at or now,
                sent_by=actor,
                recorded_at=now,
            )
            audit.record(
                actor=actor,
                verb="incident.message_sent",
                obj=incident,
                after={
                    "message": made.pk,
                    "customer": affected.customer_id,
                    "channel": channel,
                    "template": ready.template.pk if ready.template else None,
                    "edited": made.edited,
                },
            )
    except IntegrityError:
        raise _already(incident, affected.customer_id) from None
    return made
