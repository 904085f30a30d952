"""Governance's entries in the navigation: the member's queue, meetings, threshold policies, boards."""

from governance.access_rules.policies import READERS
from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="governance",
    label="Governance",
    url_name="governance:queue",
    roles={Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.PROCESS_OWNER, Role.AUDITOR},
    order=60,
)

navigation.register(
    key="meetings",
    label="Meetings",
    url_name="governance:meetings",
    roles={Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.AUDITOR},
    order=62,
)
navigation.register(
    key="threshold-policies",
    label="Policies",
    url_name="governance:policies",
    roles=READERS,
    order=75,
)
navigation.register(
    key="boards",
    label="Boards",
    url_name="governance:boards",
    roles={Role.ADMINISTRATOR, Role.BOARD_CHAIR},
    order=76,
)
