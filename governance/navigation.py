"""Governance's entry in the navigation (registered from GovernanceConfig.ready())."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="governance",
    label="Governance",
    url_name="governance:queue",
    roles={Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.PROCESS_OWNER, Role.AUDITOR},
    order=60,
)
