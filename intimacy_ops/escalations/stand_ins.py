"""Escalations raised to a person who is away go to their delegate (intimacy_ops/accounts/delegation.py): the
notice says on whose behalf, and the delegate may acknowledge and resolve it (escalations/access_rules.py)."""

from intimacy_ops.accounts import delegation


def notices(pairs: list[tuple[object, dict]]) -> list[tuple]:
    """`(person, message)` pairs → `notify_many` rows, each absent person's notice sent to their delegate
    instead (one query for the whole batch)."""
    if not pairs:
        return []
    replaced = delegation.stand_ins([person for person, _ in pairs])
    rows = []
    for (who, principal), (_, message) in zip(replaced, pairs, strict=True):
        subject = message["subject"]
        if principal is not None:
            subject = f"On behalf of {principal.display_name} (away): {subject}"
        rows.append((who, subject, message["body"], message["link"]))
    return rows
