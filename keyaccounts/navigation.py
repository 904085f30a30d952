"""Key accounts' entry in the navigation: the playbooks per tier."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="playbooks",
    label="Playbooks",
    url_name="keyaccounts:playbooks",
    roles={Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.PROCESS_OWNER, Role.ADMINISTRATOR},
    order=58,
)
