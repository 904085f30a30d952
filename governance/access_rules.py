"""Who sees what in governance: boards are known to everyone signed in; a review is seen by its
board's members and chair, by whoever may see the request under review, and (a proposal) by the owner of
its process."""

from django.db.models import Q

from exceptions.models import ExceptionRequest
from governance.models import Board, Review
from intimacy_ops import access


@access.register_scope(Board)
def _boards(user, queryset):
    return queryset


@access.register_scope(Review)
def _reviews(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    on_board = Q(board__in=Board.objects.filter(Q(members=user) | Q(chair=user)).values("id"))
    # A standardization or sunset proposal is about a process: its owner writes the impact assessment.
    owns_process = Q(process__owner=user)
    return queryset.filter(
        on_board | owns_process | Q(exception__in=access.visible(user, ExceptionRequest).values("pk"))
    )


@access.register_rule(Board, "view")
@access.register_rule(Review, "view")
def _may_view(user, obj):
    return True
