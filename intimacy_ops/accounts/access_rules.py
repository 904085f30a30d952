"""Access rules of users and regions."""

from django.db.models import Exists, OuterRef, Q

from intimacy_ops import access
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role


@access.register_scope(Region)
def _regions(user, queryset):
    # A subquery rather than a join, so the scope composes with annotations over the region's users.
    return queryset if access.sees_all_regions(user) else queryset.filter(pk__in=access.user_region_ids(user))


@access.register_scope(User)
def _users(user, queryset):
    """Colleagues sharing one of your regions, and yourself; auditors and administrators see everyone."""
    queryset = queryset.exclude(username="AnonymousUser")
    if access.sees_all_regions(user):
        return queryset
    shares_region = Exists(
        User.regions.through.objects.filter(
            user_id=OuterRef("pk"), region_id__in=access.user_region_ids(user)
        )
    )
    return queryset.filter(Q(pk=user.pk) | shares_region)


@access.register_rule(Region, "view")
@access.register_rule(User, "view")
def _may_view(user, obj):
    return True  # `allowed` has already checked the object is in the user's scope


@access.register_rule(User, "manage_roles")
def _may_manage_roles(user, obj):
    if user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only an administrator assigns roles and regions.")
