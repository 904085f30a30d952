"""Who opens the dashboard (CONTRACT.md: `/dashboard/` and its API): operations leads, board members and
chairs, auditors and administrators; account managers, process owners and data stewards are refused.

The dashboard names no business model, so the rule is a model-level action on the kernel's Region: what
the dashboard shows is always a set of regions' figures.
"""

from intimacy_ops import access
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role

VIEW_DASHBOARD = "view_dashboard"
READERS = (Role.OPERATIONS_LEAD, Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.AUDITOR, Role.ADMINISTRATOR)

access.allow_roles(
    Region,
    VIEW_DASHBOARD,
    roles=READERS,
    refusal="The dashboard is for operations leads, board members, auditors and administrators.",
)
