"""The exceptions app's entry in the navigation (registered from ExceptionsConfig.ready())."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="exceptions",
    label="Exceptions",
    url_name="exceptions:list",
    roles={
        Role.ACCOUNT_MANAGER,
        Role.OPERATIONS_LEAD,
        Role.PROCESS_OWNER,
        Role.BOARD_MEMBER,
        Role.BOARD_CHAIR,
        Role.AUDITOR,
    },
    order=50,
)
