"""Who proposes by hand, follows up conditions, and ends an exception for the board (issue 17).

- propose: a board member or chair, a process owner or an operations lead opens a sunset or
  standardization proposal, over exceptions they see *in their own regions* (others are "not found");
- a condition of an approval is marked met by its owner or the board's chair;
- the chair of the board covering an active exception sunsets it for the board (an operations lead of
  the region does so in their own right: exceptions' rule `sunset`).
"""

from exceptions.models import ExceptionRequest
from governance.access_rules.boards import chair_only, is_chair
from governance.models import Board, Review
from governance.models_decisions import Condition
from intimacy_ops import access
from intimacy_ops.accounts.roles import Role

PROPOSERS = (Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.PROCESS_OWNER, Role.OPERATIONS_LEAD)

access.allow_roles(
    Review,
    "propose",
    roles=PROPOSERS,
    refusal="Only a board member, a process owner or an operations lead proposes a sunset or a standardization.",
)


def proposable_exceptions(user):
    """The exceptions this person may put in a proposal: those they see, of customers in their regions."""
    seen = access.visible(user, ExceptionRequest)
    if access.sees_all_regions(user):
        return seen
    return seen.filter(customer__region_id__in=list(user.region_ids))


@access.register_scope(Condition)
def _conditions(user, queryset):
    return queryset.filter(review__in=access.visible(user, Review).values("pk"))


@access.register_rule(Condition, "view")
def _may_view(user, condition):
    return True


@access.register_rule(Condition, "mark_met")
def _may_mark_met(user, condition):
    if condition.owner_id == user.pk or is_chair(user, condition.review.board):
        return access.ALLOW
    return access.Decision(False, "Only the condition's owner or the board's chair marks it met.")


access.register_rule(Board, "sunset_exception")(
    chair_only(
        "Only the chair of the board covering this exception sunsets it for the board; "
        "an operations lead of the region sunsets it in their own right."
    )
)
