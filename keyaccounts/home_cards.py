"""What key accounts put on the role home pages: an account manager's health reviews due; an operations lead's
capacity view (account managers whose due reviews exceed what the cadence allows)."""

from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card
from keyaccounts.health import selectors
from keyaccounts.health.filters import per_week


@register_home_card(
    key="health-reviews-due",
    title="Health reviews due",
    roles={Role.ACCOUNT_MANAGER},
    template="keyaccounts/health/home/_due.html",
    order=6,
)
def _due(user) -> dict:
    return {
        **head_and_count(selectors.due_for_manager(user)),
        "capacity": selectors.capacity(user, manager=user),
    }


@register_home_card(
    key="health-review-capacity",
    title="Health review capacity",
    roles={Role.OPERATIONS_LEAD},
    template="keyaccounts/health/home/_capacity.html",
    order=60,
)
def _capacity(user) -> dict:
    rows = selectors.capacity(user)
    return {
        "rows": rows,
        "over": [r for r in rows if r["over"]],
        "weeks": selectors.weeks(),
        "per_week": per_week(),
    }
