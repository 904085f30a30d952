"""What key accounts puts on the role home pages: an account manager's customers below their health line."""

from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card
from keyaccounts.score import selectors


@register_home_card(
    key="keyaccounts-health",
    title="Customers at risk",
    roles={Role.ACCOUNT_MANAGER},
    template="keyaccounts/home/_health.html",
    order=6,
)
def _health(user) -> dict:
    return head_and_count(selectors.below_line_of_manager(user))
