"""Who sees and acts on escalations.

Seen: auditors and administrators, everything; account managers, the escalations raised to them (by name,
or to their role in their regions); everyone else, the escalations of their regions and those raised to them.
An escalation without a region is seen only by those who see every region (and whoever it names).
Acknowledged and resolved by: a target of its current level (or, while they are away, their delegate, on their
behalf), an operations lead of its region, an administrator.
"""

from django.db.models import Q

from intimacy_ops import access
from intimacy_ops.accounts import delegation
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations.models import Escalation


def _my_regions(user):
    return access.user_region_ids(user)


@access.register_scope(Escalation)
def _escalations(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    # Raised by name to them, or to someone away whose delegate they are (accounts/delegation.py).
    seen = Q(target_user=user) | Q(target_user__in=[p.pk for p in delegation.principals_for(user)])
    if user.has_role(Role.ACCOUNT_MANAGER):
        seen |= Q(target_user__isnull=True, target_role=Role.ACCOUNT_MANAGER, region__in=_my_regions(user))
    if user.roles - {Role.ACCOUNT_MANAGER}:
        seen |= Q(region__in=_my_regions(user))
    return queryset.filter(seen)


def is_target(user, escalation: Escalation) -> bool:
    """Is the current level raised to this person (by name, or to a role they hold where it happened)?"""
    if escalation.target_user_id:
        return escalation.target_user_id == user.pk
    try:
        role = Role(escalation.target_role)
    except ValueError:
        return False
    in_region = escalation.region_id is None or escalation.region_id in user.region_ids
    return user.has_role(role) and (in_region or role is Role.ADMINISTRATOR)


@access.register_rule(Escalation, "view")
def _may_view(user, escalation):
    return True  # `allowed` has already checked it is in the user's scope


@access.register_rule(Escalation, "acknowledge", "resolve")
def may_act(user, escalation) -> access.Decision:
    """The rule alone, for an escalation already known visible (a page's rows: no query per row)."""
    if user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    as_target = delegation.acting_for(user, lambda who: is_target(who, escalation))
    if as_target:
        return as_target  # on a person's behalf when it is raised to them and they are away
    if user.has_role(Role.OPERATIONS_LEAD) and (
        escalation.region_id is None or escalation.region_id in user.region_ids
    ):
        return access.ALLOW
    return access.Decision(
        False,
        "Only a person it is raised to, an operations lead of its region or an administrator may act on this escalation.",
    )
