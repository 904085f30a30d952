"""Holds: why a customer must not be asked for feedback now, answered by the apps that know (issue 19, item 5).

Feedback imports no higher app. An app that can say "leave this customer alone for now" registers a function
from its `holds` contribution module (found at start-up by intimacy_ops/discovery.py, as `checks` are):

    from feedback import holds
    holds.register(in_recovery)      # in_recovery(customer_ids) -> {customer_id: reason}, one query

`reasons_for(ids)` asks every registered function once (set-based: one query each, whatever the number of
customers) and keeps, per customer, the first reason given. While a customer is held, survey invitations to
them are suppressed with the reason (feedback/services/surveys.py) and the sentiment of what they say is not
analysed (`FeedbackItem.sentiment_paused_reason`); both resume when the hold ends (the check
`feedback.surveys_due`). incidents/holds.py: a customer affected by an open or mitigated incident.
"""

from collections.abc import Callable, Iterable

Hold = Callable[[list[int]], dict[int, str]]

_holds: list[Hold] = []


def register(hold: Hold) -> Hold:
    """Add a hold (usable as a decorator); registering the same function twice adds it once."""
    if hold not in _holds:
        _holds.append(hold)
    return hold


def registered() -> list[Hold]:
    return list(_holds)


def reasons_for(customer_ids: Iterable[int]) -> dict[int, str]:
    """{customer id: why they are held} for the held ones among these; the others are left out."""
    ids = sorted({pk for pk in customer_ids if pk is not None})
    reasons: dict[int, str] = {}
    if not ids:
        return reasons
    for hold in _holds:
        for customer_id, reason in hold(ids).items():
            reasons.setdefault(customer_id, reason)
    return reasons


def reason_for(customer_id: int) -> str:
    """Why this customer is held now, or ""."""
    return reasons_for([customer_id]).get(customer_id, "")
