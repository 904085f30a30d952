"""What incidents put on the role home pages: an account manager's active incidents touching their customers."""

from incidents.selectors import affected
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card


@register_home_card(
    key="incidents-mine",
    title="Incidents touching your customers",
    roles={Role.ACCOUNT_MANAGER},
    template="incidents/home/_mine.html",
    order=5,
)
def _mine(user) -> dict:
    return head_and_count(affected.active_for_manager(user).select_related("owner"))
