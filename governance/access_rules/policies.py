"""Who sees and keeps threshold policies (issue 7, item 6).

Board members and chairs, process owners, operations leads, auditors and administrators see every policy
(they are few and concern everyone who answers for exceptions). Chairs, operations leads and
administrators create, change and switch them off, and run the evaluation now.
"""

from governance.models import ThresholdPolicy
from intimacy_ops import access
from intimacy_ops.accounts.roles import Role

READERS = {
    Role.BOARD_MEMBER,
    Role.BOARD_CHAIR,
    Role.PROCESS_OWNER,
    Role.OPERATIONS_LEAD,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
}
KEEPERS = {Role.BOARD_CHAIR, Role.OPERATIONS_LEAD, Role.ADMINISTRATOR}


@access.register_model_rule(ThresholdPolicy, "manage")
def may_manage_policies(user) -> access.Decision:
    """May this person create, change, switch off or evaluate threshold policies?"""
    if user is not None and user.is_authenticated and user.is_active and user.has_role(*KEEPERS):
        return access.ALLOW
    return access.Decision(
        False, "Only a board's chair, an operations lead or an administrator keeps the threshold policies."
    )


@access.register_scope(ThresholdPolicy)
def _policies(user, queryset):
    return queryset if user.has_role(*READERS) else queryset.none()


access.allow_roles(
    ThresholdPolicy,
    "view",
    roles=READERS,
    refusal="Threshold policies are for board members, owners, leads and auditors.",
)


@access.register_rule(ThresholdPolicy, "view")
def _may_view(user, policy):
    return True


@access.register_rule(ThresholdPolicy, "change")
@access.register_rule(ThresholdPolicy, "evaluate")
def _may_change(user, policy):
    return may_manage_policies(user)
