"""Key accounts' entries in the navigation, in one "Key accounts" menu: the health scores, the health reviews
(with the capacity view) and the playbooks per tier."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register_group(key="keyaccounts", label="Key accounts", order=58)

navigation.register(
    key="keyaccounts-health",
    label="Health scores",
    url_name="keyaccounts:health-list",
    roles={Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.AUDITOR, Role.ADMINISTRATOR},
    order=57,
    group="keyaccounts",
)

navigation.register(
    key="health-reviews",
    label="Health reviews",
    url_name="keyaccounts:health-reviews",
    roles={Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.AUDITOR, Role.ADMINISTRATOR},
    order=58,
    group="keyaccounts",
)

navigation.register(
    key="playbooks",
    label="Playbooks",
    url_name="keyaccounts:playbooks",
    roles={Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.PROCESS_OWNER, Role.ADMINISTRATOR},
    order=59,
    group="keyaccounts",
)
