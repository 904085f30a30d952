"""Key accounts' entry in the navigation: the health reviews (with the capacity view)."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="health-reviews",
    label="Health reviews",
    url_name="keyaccounts:health-reviews",
    roles={Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.AUDITOR, Role.ADMINISTRATOR},
    order=58,
)
