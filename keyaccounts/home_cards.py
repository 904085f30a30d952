"""What key accounts put on the role home pages: an account manager's customers below their health line, and
their plays due this week, overdue first."""

from django.utils import timezone

from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card
from keyaccounts.playbooks import selectors as plays
from keyaccounts.score import selectors as scores


@register_home_card(
    key="keyaccounts-health",
    title="Customers at risk",
    roles={Role.ACCOUNT_MANAGER},
    template="keyaccounts/home/_health.html",
    order=6,
)
def _health(user) -> dict:
    return head_and_count(scores.below_line_of_manager(user))


@register_home_card(
    key="plays-due",
    title="Plays due this week",
    roles={Role.ACCOUNT_MANAGER},
    template="keyaccounts/home/_plays_due.html",
    order=7,
)
def _plays_due(user) -> dict:
    data = head_and_count(plays.due_this_week(user), size=8)
    data["today"] = timezone.localdate()
    return data
