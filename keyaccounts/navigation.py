"""Key accounts' entry in the navigation: the health scores."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="keyaccounts-health",
    label="Health",
    url_name="keyaccounts:health-list",
    roles={Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.AUDITOR, Role.ADMINISTRATOR},
    order=58,
)
