"""What key accounts put on the role home pages: an account manager's customers below their health line, their
health reviews due, and their plays due this week, overdue first; an operations lead's capacity view (account
managers whose due reviews exceed what the cadence allows)."""

from django.utils import timezone

from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card
from keyaccounts.health import selectors as reviews
from keyaccounts.health.filters import per_week
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
    order=8,
)
def _plays_due(user) -> dict:
    data = head_and_count(plays.due_this_week(user), size=8)
    data["today"] = timezone.localdate()
    return data


@register_home_card(
    key="health-reviews-due",
    title="Health reviews due",
    roles={Role.ACCOUNT_MANAGER},
    template="keyaccounts/health/home/_due.html",
    order=7,
)
def _due(user) -> dict:
    return {
        **head_and_count(reviews.due_for_manager(user)),
        "capacity": reviews.capacity(user, manager=user),
    }


@register_home_card(
    key="health-review-capacity",
    title="Health review capacity",
    roles={Role.OPERATIONS_LEAD},
    template="keyaccounts/health/home/_capacity.html",
    order=60,
)
def _capacity(user) -> dict:
    rows = reviews.capacity(user)
    return {
        "rows": rows,
        "over": [r for r in rows if r["over"]],
        "weeks": reviews.weeks(),
        "per_week": per_week(),
    }
