"""Every write of governance, one module per sub-domain (STYLE.md):

- reviews: opening, withdrawing and deciding reviews (exceptions reaches them through its hooks);
- voting: votes, declared interests, co-opted members, quorum and the decision rule (`tally`);
- impact: the process owner's impact assessment (prefilled, then edited);
- meetings: meetings, agendas, attendance, minutes, calendar feeds;
- policies: keeping threshold policies; evaluation: `evaluate_threshold_policies()`;
- outcomes: what an approved standardization or sunset proposal does, and revoking one exception;
- standard_change: the board's review of a change to a controlled standard (issue 17, item 4);
- restandardization: the periodic review of a controlled process's active exceptions (item 5).
"""

from governance.services.casting import cast_vote
from governance.services.impact import assess_impact, update_impact
from governance.services.reviews import (
    board_for,
    board_people,
    decide_review,
    request_extension_review,
    request_review,
    withdraw_review,
)
from governance.services.standard_change import request_version_review
from governance.services.voting import co_opt_member, declare_interest, tally

__all__ = [
    "assess_impact",
    "board_for",
    "board_people",
    "cast_vote",
    "co_opt_member",
    "decide_review",
    "declare_interest",
    "request_extension_review",
    "request_review",
    "request_version_review",
    "tally",
    "update_impact",
    "withdraw_review",
]
