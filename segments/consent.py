"""Consent flags (DESIGN.md, "Sensitive data"): features that profile a customer ask here first.

    ok, reason = consent.allows(customer, "sentiment")
    if not ok:
        return skipped(reason)      # show the reason where the result would have been

Changing a flag is `segments.services.consent.set_consent` (audited).
"""

from segments.models import Customer

# purpose → (Customer field, what a person reads)
FLAGS: dict[str, tuple[str, str]] = {
    "profiling": ("consent_profiling", "profiling"),
    "sentiment": ("consent_sentiment", "sentiment analysis"),
    "surveys": ("consent_surveys", "contact for surveys"),
}


def field_for(flag: str) -> str:
    try:
        return FLAGS[flag][0]
    except KeyError:
        raise ValueError(f"No consent flag {flag!r}; known: {', '.join(FLAGS)}") from None


def allows(customer: Customer, flag: str) -> tuple[bool, str]:
    """(True, why) if the customer consented to `flag` ("profiling", "sentiment", "surveys"), else (False, why)."""
    name = field_for(flag)
    label = FLAGS[flag][1]
    if getattr(customer, name):
        return True, f"{customer.name} consented to {label}."
    return False, f"Skipped: {customer.name} has not consented to {label}."
