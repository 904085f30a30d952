"""The feedback app's entry in the navigation."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="feedback",
    label="Feedback",
    url_name="feedback:list",
    roles={
        Role.ACCOUNT_MANAGER,
        Role.OPERATIONS_LEAD,
        Role.PROCESS_OWNER,
        Role.DATA_STEWARD,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    },
    order=55,
)
