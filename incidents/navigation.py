"""The incidents app's entry in the navigation."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="incidents",
    label="Incidents",
    url_name="incidents:list",
    roles={
        Role.ACCOUNT_MANAGER,
        Role.OPERATIONS_LEAD,
        Role.PROCESS_OWNER,
        Role.BOARD_CHAIR,
        Role.BOARD_MEMBER,
        Role.DATA_STEWARD,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    },
    order=57,
)
