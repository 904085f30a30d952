"""Consent flags (DESIGN.md, "Sensitive data"): features that profile a data subject ask here first.

    ok, reason = consent.allows(member, "sentiment")
    if not ok:
        return skipped(reason)      # show the reason where the result would have been

The flags of a subject are declared by the app that owns it (`privacy.declare.subject(consent=…)`);
changing one is `privacy.services.consent.set_consent` (audited).
"""

from privacy import subjects


def flags(subject_obj) -> dict[str, tuple[str, str]]:
    """flag → (field, what a person reads) declared for this subject's model."""
    declaration = subjects.of(subject_obj)
    return dict(declaration.consent) if declaration is not None else {}


def field_for(subject_obj, flag: str) -> str:
    known = flags(subject_obj)
    try:
        return known[flag][0]
    except KeyError:
        raise ValueError(f"No consent flag {flag!r}; known: {', '.join(known)}") from None


def allows(subject_obj, flag: str) -> tuple[bool, str]:
    """(True, why) if the subject consented to `flag` ("profiling", "sentiment", "surveys"), else (False, why)."""
    name = field_for(subject_obj, flag)
    label = flags(subject_obj)[flag][1]
    if getattr(subject_obj, name):
        return True, f"{subject_obj} consented to {label}."
    return False, f"Skipped: {subject_obj} has not consented to {label}."
