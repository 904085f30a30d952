"""Writes on consent: a data subject's opt-in or opt-out of profiling, sentiment analysis or surveys."""

from django.db import transaction

from intimacy_ops import access, audit, errors
from privacy import consent, subjects

MIN_REASON = 5


def set_consent(*, actor, subject, flag: str, value: bool, reason: str):
    """Record that the subject gave or withdrew consent to one use of their data (audited)."""
    known = consent.flags(subject)
    if flag not in known:
        raise errors.ValidationFailed({"flag": [f"Choose one of: {', '.join(known)}."]})
    access.require(actor, "change_consent", subject)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise errors.ValidationFailed(
            {
                "reason": [
                    f"Say how the {subjects.of(subject).verbose_name} gave or withdrew consent"
                    f" (at least {MIN_REASON} characters)."
                ]
            }
        )
    name = consent.field_for(subject, flag)
    model = type(subject)
    with transaction.atomic():
        subject = model._default_manager.select_for_update().get(pk=subject.pk)
        before = getattr(subject, name)
        if before == bool(value):
            return subject  # already so: nothing to change, nothing to audit
        setattr(subject, name, bool(value))
        stamped = any(f.name == "updated_at" for f in model._meta.fields)
        update_fields = [name, "updated_at"] if stamped else [name]
        subject.save(update_fields=update_fields)
        audit.record(
            actor=actor,
            verb=f"{model._meta.model_name}.consent_changed",
            obj=subject,
            before={name: before},
            after={name: bool(value)},
            comment=reason,
        )
    return subject
