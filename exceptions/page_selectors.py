"""Reads the exceptions pages need beyond exceptions/selectors.py, scoped the same way, in constant queries."""

from django.db.models import Count, QuerySet

from exceptions import selectors
from exceptions.models import ExceptionRequest
from exceptions.services.routing import leads_of
from intimacy_ops import access
from segments.models import Customer

Status = ExceptionRequest.Status
OPEN = (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED)


def request_list(user) -> QuerySet:
    """The list page: an account manager's own requests; anyone else's, every request they may see."""
    if access.allowed(user, "create", ExceptionRequest):
        return selectors.my_requests(user)
    return selectors.exceptions_for(user)


def waiting_for(user) -> QuerySet:
    """Requests routed to a single approver in this operations lead's regions, waiting (submitted) or taken up."""
    if not access.allowed(user, "decide_as_lead", ExceptionRequest):
        return ExceptionRequest.objects.none()
    return access.in_user_regions(
        user,
        selectors.exceptions_for(user).filter(
            status__in=(Status.SUBMITTED, Status.UNDER_REVIEW), route=ExceptionRequest.Route.LEAD
        ),
        field="customer__region",
    ).order_by("status_changed_at", "id")


def status_counts(queryset: QuerySet) -> dict[str, int]:
    rows = queryset.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    return dict(rows)


def customers_for_filter(user) -> QuerySet:
    """Customers that appear in the user's list, for the filter (one query)."""
    return (
        access.visible(user, Customer)
        .filter(pk__in=request_list(user).order_by().values("customer_id"))
        .order_by("name")
    )


def for_customer(user, customer: Customer) -> list:
    return list(selectors.exceptions_for(user).filter(customer=customer).order_by("-created_at", "-id")[:20])


def approvers(exception: ExceptionRequest) -> list:
    """Who a lead-routed request waits for, by name (the operations leads of its region)."""
    return list(leads_of(exception.customer.region_id).order_by("username"))
