"""The escalations page in the navigation, the home card "N open escalations for you", and the
administrators' card of ladder rungs nobody holds (they fall through, reach.py)."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card
from intimacy_ops.escalations import reach, selectors

ROLES = {
    Role.OPERATIONS_LEAD,
    Role.ACCOUNT_MANAGER,
    Role.BOARD_CHAIR,
    Role.BOARD_MEMBER,
    Role.ADMINISTRATOR,
}

navigation.register(
    key="escalations", label="Escalations", url_name="escalations:list", roles=ROLES, order=70
)


@register_home_card(
    key="escalations-for-me",
    title="Escalations for you",
    roles=ROLES,
    template="escalations/home/_for_me.html",
    order=3,
)
def _for_me(user) -> dict:
    return head_and_count(selectors.open_for_me(user))


@register_home_card(
    key="escalation-gaps",
    title="Escalations that fall through",
    roles={Role.ADMINISTRATOR},
    template="escalations/home/_gaps.html",
    order=4,
)
def _gaps(user) -> dict:
    return {"gaps": reach.gaps()}
