"""Governance's meetings in the navigation, for the people who sit on boards and those who audit them."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="meetings",
    label="Meetings",
    url_name="governance:meetings",
    roles={Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.AUDITOR},
    order=62,
)
