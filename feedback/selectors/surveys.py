"""Reads of survey invitations: the API's list and a customer's card (held and scheduled first, then the latest)."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from feedback.models import SurveyInvitation
from intimacy_ops import access

S = SurveyInvitation.Status


def invitations_for(user) -> QuerySet:
    return access.visible(user, SurveyInvitation).select_related("customer", "scheduled_by")


def for_customer(user, customer, limit: int = 8) -> list[SurveyInvitation]:
    """The customer's invitations this user sees: held ones first, then scheduled (soonest first), then the
    latest sent or cancelled. One query."""
    rank = Case(
        When(status=S.SUPPRESSED, then=Value(0)),
        When(status=S.SCHEDULED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    rows = (
        invitations_for(user)
        .filter(customer=customer)
        .select_related("customer__account_manager")
        .annotate(rank=rank)
        .order_by("rank", "due_on", "-id")
    )
    return list(rows[:limit])
