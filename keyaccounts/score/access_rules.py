"""Who sees health scores and weights, and who sets the weights (issue 20, item 3); imported by
keyaccounts/access_rules.py, so found at start-up with the app's other rules.

Scores say how an account is doing from figures (feedback, escalations) an account manager sees only for
their own customers, so: an account manager sees the scores of the customers they manage; operations leads
those of their regions; auditors and administrators every one. Others see none.
Weights are read by everyone signed in, for their regions (auditors and administrators: every region); set
by an operations lead of the region or an administrator (`set_health_weights` on the region).
"""

from django.db.models import Q

from intimacy_ops import access
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from keyaccounts.models import HealthScore, HealthWeights
from segments.models import Customer


@access.register_scope(HealthScore)
def _scores(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    seen = Q(customer__account_manager=user)
    if user.has_role(Role.OPERATIONS_LEAD):
        seen |= Q(customer__region__in=access.user_region_ids(user))
    return queryset.filter(seen)


@access.register_scope(HealthWeights)
def _weights(user, queryset):
    return queryset if access.sees_all_regions(user) else access.in_user_regions(user, queryset)


@access.register_rule(HealthScore, "view")
@access.register_rule(HealthWeights, "view")
def _view(user, obj):
    return access.ALLOW  # in the scope: `allowed` checked it first


@access.register_rule(Region, "set_health_weights")
def _set_weights(user, region):
    if user.has_role(Role.ADMINISTRATOR) or access.is_lead_of_region(user, region.pk):
        return access.ALLOW
    return access.Decision(
        False, "Only an operations lead of the region or an administrator sets its weights."
    )


@access.register_rule(HealthWeights, "change")
def _change(user, weights):
    return _set_weights(user, weights.region)


@access.register_model_rule(HealthWeights, "create")
def _may_set_some(user):
    if user.has_role(Role.ADMINISTRATOR, Role.OPERATIONS_LEAD):
        return access.ALLOW
    return access.Decision(False, "Only operations leads and administrators set the health score's weights.")


@access.register_rule(Customer, "view_health")
def _view_health(user, customer):
    """The customer page's health card: whoever sees this customer's scores (the scope above)."""
    if access.sees_all_regions(user) or customer.account_manager_id == user.pk:
        return access.ALLOW
    return access.is_lead_of_region(user, customer.region_id)
