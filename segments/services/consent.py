"""Writes on consent: a customer's opt-in or opt-out of profiling, sentiment analysis or surveys."""

from django.db import transaction

from intimacy_ops import access, audit, errors
from segments.consent import FLAGS, field_for
from segments.models import Customer

MIN_REASON = 5


def set_consent(*, actor, customer: Customer, flag: str, value: bool, reason: str) -> Customer:
    """Record that the customer gave or withdrew consent to one use of their data (audited)."""
    if flag not in FLAGS:
        raise errors.ValidationFailed({"flag": [f"Choose one of: {', '.join(FLAGS)}."]})
    access.require(actor, "change_consent", customer)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise errors.ValidationFailed(
            {"reason": [f"Say how the customer gave or withdrew consent (at least {MIN_REASON} characters)."]}
        )
    name = field_for(flag)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        before = getattr(customer, name)
        if before == bool(value):
            return customer  # already so: nothing to change, nothing to audit
        setattr(customer, name, bool(value))
        customer.save(update_fields=[name, "updated_at"])
        audit.record(
            actor=actor,
            verb="customer.consent_changed",
            obj=customer,
            before={name: before},
            after={name: bool(value)},
            comment=reason,
        )
    return customer
