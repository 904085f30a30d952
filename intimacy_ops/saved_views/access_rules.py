"""A saved view is its owner's alone: nobody else sees it (404), only its owner deletes it."""

from intimacy_ops import access
from intimacy_ops.saved_views.models import SavedView


@access.register_scope(SavedView)
def _own_views(user, queryset):
    return queryset.filter(user=user)


@access.register_rule(SavedView, "delete")
def _may_delete(user, obj):
    return obj.user_id == user.pk
