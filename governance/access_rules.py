"""Who sees what in governance: boards are known to everyone signed in; a review is seen by its board's
members and chair, by members co-opted to it, by the owner of the process it concerns, and by whoever may
see the request under review."""

from django.db.models import Q

from exceptions.models import ExceptionRequest
from governance.models import Board, CoOptedMember, Review
from intimacy_ops import access


@access.register_scope(Board)
def _boards(user, queryset):
    return queryset


@access.register_scope(Review)
def _reviews(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    on_board = Q(board__in=Board.objects.filter(Q(members=user) | Q(chair=user)).values("id"))
    co_opted = Q(pk__in=CoOptedMember.objects.filter(member=user).values("review_id"))
    owner = Q(exception__process__owner=user) | Q(process__owner=user)
    return queryset.filter(
        on_board | co_opted | owner | Q(exception__in=access.visible(user, ExceptionRequest).values("pk"))
    )


@access.register_rule(Board, "view")
@access.register_rule(Review, "view")
def _may_view(user, obj):
    return True
