"""Who sees and does what with playbooks and plays due (issue 20, item 1).

Playbooks (every version and its plays) are reference data like the tiers: everyone signed in reads them.
A new version is published by process owners, operations leads and administrators (`create` on Playbook).
Plays due are scoped like their customer (the region's people; auditors and administrators all): another
region's is a 404. Marking one done or skipping it: the customer's account manager, a holder of the play's
role in the customer's region (an account manager's play: the customer's own), an operations lead of that region, or an administrator.
"""

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from keyaccounts.models import Play, Playbook, PlaybookMove, PlayDue

EDITORS = (Role.PROCESS_OWNER, Role.OPERATIONS_LEAD, Role.ADMINISTRATOR)


@access.register_scope(Playbook)
@access.register_scope(Play)
def _playbooks(user, queryset):
    return queryset  # what a tier includes is known to everyone signed in


@access.register_scope(PlayDue)
@access.register_scope(PlaybookMove)
def _plays(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    return access.in_user_regions(user, queryset, "customer__region")


access.allow_roles(
    Playbook,
    "create",
    roles=EDITORS,
    refusal="Only process owners, operations leads and administrators edit playbooks.",
)


@access.register_rule(Playbook, "view")
def _view_playbook(user, playbook):
    return access.ALLOW


@access.register_rule(PlayDue, "view")
def _view_play(user, play_due):
    return access.ALLOW  # in the scope: `allowed` checked it first


@access.register_rule(PlayDue, "mark_done")
def _mark_done(user, play_due: PlayDue) -> access.Decision:
    customer = play_due.customer
    if customer.account_manager_id == user.pk or user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    if customer.region_id in user.region_ids:
        role = play_due.play.role
        # An account manager's play is the customer's own manager's; another role's, any holder's in the region.
        holds = role in Role.values and role != Role.ACCOUNT_MANAGER and user.has_role(Role(role))
        if user.has_role(Role.OPERATIONS_LEAD) or holds:
            return access.ALLOW
    return access.Decision(
        False,
        "Only the customer's account manager, whoever holds the play's role in its region, an operations "
        "lead of the region or an administrator marks a play.",
    )
