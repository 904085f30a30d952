"""The segments app's entries in the navigation (discovered by the kernel)."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

# Customers and cases are everyone's daily bread, scoped to their regions by the access policy.
navigation.register(
    key="customers", label="Customers", url_name="segments:customer-list", roles=set(Role), order=20
)
navigation.register(key="cases", label="Cases", url_name="segments:case-list", roles=set(Role), order=30)
# Tiers and SLA policies are read by anyone who opens them, changed by operations leads.
navigation.register(
    key="tiers",
    label="Tiers",
    url_name="segments:tiers",
    roles={Role.OPERATIONS_LEAD, Role.ADMINISTRATOR},
    order=40,
)
navigation.register(
    key="sla",
    label="SLA policies",
    url_name="segments:sla",
    roles={Role.OPERATIONS_LEAD, Role.ADMINISTRATOR},
    order=45,
)
navigation.register(
    key="imports",
    label="Imports",
    url_name="segments:imports",
    roles={Role.OPERATIONS_LEAD, Role.DATA_STEWARD},
    order=60,
)
