"""The feedback app's entries in the navigation: the inbox, and the board of root-cause analyses."""

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
navigation.register(
    key="rcas",
    label="RCAs",
    url_name="feedback:rca-board",
    roles={Role.PROCESS_OWNER, Role.OPERATIONS_LEAD, Role.AUDITOR, Role.ADMINISTRATOR},
    order=56,
)
