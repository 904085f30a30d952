"""The exceptions list (`/exceptions/`: an account manager's own requests, everyone else's every request they
may see) with the API's filters (exceptions/filters.py) in a filter bar, sortable columns, and the same list
as CSV (`/exceptions/export.csv`, same query string). A bad filter: the bar names it, 400, no rows."""

from operator import itemgetter

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from exceptions import hooks, selectors
from exceptions.filters import ORDERING_FIELDS, ExceptionFilter
from exceptions.models import ExceptionRequest
from intimacy_ops import access, exports, listing
from intimacy_ops.pagination import CappedPaginator

PAGE_SIZE = 25
ORDERINGS = listing.orderings_of(ORDERING_FIELDS)
DEFAULT_ORDERING = "-created_at"
COLUMNS = [
    # ordering key, label, flags ("num": a figure, "hide": left out on a phone)
    ("title", "Request", ""),
    ("status", "Status", ""),
    ("customer__name", "Customer", "hide"),
    ("estimated_monthly_cost", "Monthly", "num"),
    ("estimated_one_off_cost", "One-off", "num"),
    ("expires_on", "Runs", ""),
    ("created_at", "Raised", ""),
]
BAR = [
    "status",
    "process",
    "segment",
    "region",
    "route",
    "risk",
    "customer",
    "created_after",
    "created_before",
]


def exception_listing(request: HttpRequest) -> listing.Listing:
    rows = selectors.request_list(request.user)
    return listing.read(request, ExceptionFilter, rows, orderings=ORDERINGS, default=DEFAULT_ORDERING)


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """ "My requests" for account managers (every visible request for the other roles), filtered and sorted."""
    user = request.user
    found = exception_listing(request)
    # The customer filter offers the customers of the list (any visible one still filters when given).
    listing.offer(
        found, "customer", selectors.customers_for_filter(user), label=itemgetter(1), value=itemgetter(0)
    )
    page = CappedPaginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "listing": found,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "headers": listing.sort_headers(request, COLUMNS, found.ordering),
        "mine": bool(access.allowed(user, "create", ExceptionRequest)),
        "filtered": found.filtered,
        "querystring": listing.querystring(request),
        "csv_query": listing.querystring(request),
        "is_lead": bool(access.allowed(user, "decide_as_lead", ExceptionRequest)),
        # What a higher app offers on this selection (governance: "Propose sunset of these N").
        "selection_actions": hooks.selection_actions(user, found.rows, listing.querystring(request))
        if found.valid
        else [],
    }
    return render(request, "exceptions/request_list.html", context, status=found.status)


CSV_COLUMNS = [
    ("id", lambda e: e.pk),
    ("title", lambda e: e.title),
    ("status", lambda e: e.status),
    ("route", lambda e: e.route),
    ("kind", lambda e: e.kind),
    ("risk_rating", lambda e: e.risk_rating),
    ("process", lambda e: e.process.name),
    ("customer_id", lambda e: e.customer_id),
    ("customer", lambda e: e.customer.name),
    ("region", lambda e: e.customer.region.code),
    ("segment", lambda e: e.customer.segment.name if e.customer.segment_id else ""),
    ("requested_by", lambda e: e.requested_by.username),
    ("created_at", lambda e: e.created_at.isoformat()),
    ("starts_on", lambda e: e.starts_on),
    ("expires_on", lambda e: e.expires_on),
    ("sunset_on", lambda e: e.sunset_on),
    ("estimated_monthly_cost", lambda e: e.estimated_monthly_cost),
    ("estimated_one_off_cost", lambda e: e.estimated_one_off_cost),
    ("actual_cost", lambda e: e.actual_cost),
]
# The customer's contact as the customer pages show it: "***" unless it is yours or granted (access-logged).
SENSITIVE_COLUMNS = [("customer_contact_email", lambda e: e.customer, "contact_email")]


@login_required
@require_GET
def request_list_csv(request: HttpRequest) -> HttpResponse:
    """The list as CSV with the page's filters and order (a bad filter: 400 naming it)."""
    found = exception_listing(request)
    return exports.listing_csv(
        request,
        found,
        columns=CSV_COLUMNS,
        sensitive_columns=SENSITIVE_COLUMNS,
        what="exceptions",
        object_type="exceptions.exceptionrequest",
        shape=lambda rows: rows.select_related("customer__segment").prefetch_related(None),
    )
