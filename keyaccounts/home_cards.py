"""What key accounts put on the role home pages: an account manager's plays due this week, overdue first."""

from django.utils import timezone

from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card
from keyaccounts.playbooks import selectors


@register_home_card(
    key="plays-due",
    title="Plays due this week",
    roles={Role.ACCOUNT_MANAGER},
    template="keyaccounts/home/_plays_due.html",
    order=6,
)
def _plays_due(user) -> dict:
    data = head_and_count(selectors.due_this_week(user), size=8)
    data["today"] = timezone.localdate()
    return data
