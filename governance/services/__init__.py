"""Every write of governance, one module per sub-domain (STYLE.md):

- reviews: opening, withdrawing and deciding reviews (exceptions reaches them through its hooks);
- voting: votes, declared interests, co-opted members, quorum and the decision rule;
- meetings: meetings, agendas, attendance, minutes, calendar feeds;
- policies: threshold policies and `evaluate_threshold_policies()`;
- outcomes: what an approved standardization or sunset proposal does, and revoking one exception.
"""

from governance.services.reviews import (
    board_for,
    board_people,
    decide_review,
    request_extension_review,
    request_review,
    withdraw_review,
)

__all__ = [
    "board_for",
    "board_people",
    "decide_review",
    "request_extension_review",
    "request_review",
    "withdraw_review",
]
