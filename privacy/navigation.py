"""The privacy pages in the navigation: the access log (stewards, auditors), grants and break-glass review
(stewards), retention (stewards own it; auditors and administrators read it)."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="access-log",
    label="Access log",
    url_name="privacy:access-log",
    roles={Role.DATA_STEWARD, Role.AUDITOR},
    order=80,
)
navigation.register(
    key="grants", label="Grants", url_name="privacy:grants", roles={Role.DATA_STEWARD}, order=82
)
navigation.register(
    key="break-glass",
    label="Break-glass",
    url_name="privacy:break-glass",
    roles={Role.DATA_STEWARD},
    order=84,
)
navigation.register(
    key="retention",
    label="Retention",
    url_name="privacy:retention",
    roles={Role.DATA_STEWARD, Role.AUDITOR, Role.ADMINISTRATOR},
    order=85,
)
