"""The retention page in the navigation of those who own (data stewards) or read it (auditors, administrators)."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="retention",
    label="Retention",
    url_name="segments:retention",
    roles={Role.DATA_STEWARD, Role.AUDITOR, Role.ADMINISTRATOR},
    order=85,
)
