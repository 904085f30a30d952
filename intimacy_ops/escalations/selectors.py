"""Reads of escalations: what a user may see, with "raised to me" first."""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from intimacy_ops import access
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations.models import Escalation


class State:
    OPEN = "open"  # raised, nobody has acknowledged it yet
    ACKNOWLEDGED = "acknowledged"  # taken up, not resolved
    RESOLVED = "resolved"
    ALL = (OPEN, ACKNOWLEDGED, RESOLVED)


STATE_FILTERS = {
    State.OPEN: Q(resolved_at__isnull=True, acknowledged_at__isnull=True),
    State.ACKNOWLEDGED: Q(resolved_at__isnull=True, acknowledged_at__isnull=False),
    State.RESOLVED: Q(resolved_at__isnull=False),
}


def mine_q(user) -> Q:
    """Raised to me: by name, or (nobody named) to a role I hold, in one of my regions or with no region."""
    roles = [role.value for role in user.roles]
    where = Q(region__isnull=True) | Q(region__in=Region.objects.filter(users=user).values("id"))
    mine = Q(target_user=user) | (Q(target_user__isnull=True, target_role__in=roles) & where)
    if Role.ADMINISTRATOR in user.roles:
        mine |= Q(target_user__isnull=True, target_role=Role.ADMINISTRATOR)
    return mine


def escalations_for(user) -> QuerySet:
    """The escalations this user may see, each marked `mine`, mine first, then highest level, then oldest."""
    return (
        access.visible(user, Escalation)
        .select_related("content_type", "region", "target_user", "acknowledged_by", "resolved_by")
        .annotate(
            mine=Case(When(mine_q(user), then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .order_by("-mine", "-level", "raised_at", "id")
    )


def open_for_me(user) -> QuerySet:
    """Unresolved escalations raised to this user (acknowledged or not)."""
    return escalations_for(user).filter(mine_q(user), resolved_at__isnull=True)
