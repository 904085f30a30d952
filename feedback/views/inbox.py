"""The feedback inbox (`/feedback/`): every item the user may see, with the API's filters (feedback/filters.py)
in a filter bar, sortable columns, pagination, and the same list as CSV (`/feedback/export.csv`, same query
string; the text column masked unless the customer is yours or granted, access-logged). A bad filter: the bar
names it, 400, no rows."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from feedback.filters import ORDERING_FIELDS, FeedbackFilter
from feedback.selectors import items as selectors
from feedback.services.items import not_analysed_reason
from intimacy_ops import exports, listing, sensitive
from intimacy_ops.pagination import CappedPaginator

PAGE_SIZE = 25
ORDERINGS = listing.orderings_of(ORDERING_FIELDS)
DEFAULT_ORDERING = "-received_on"
COLUMNS = [
    # ordering key, label, flags ("num": a figure, "hide": left out on a phone)
    ("received_on", "Received", ""),
    ("customer__name", "Customer", ""),
    ("source", "Source", "hide"),
    ("score", "Score", "num"),
    ("sentiment", "Sentiment", ""),
    ("process__name", "Process", "hide"),
]
BAR = [
    "source",
    "process",
    "segment",
    "sentiment",
    "confirmed",
    "actionable",
    "received_after",
    "received_before",
]


def feedback_listing(request: HttpRequest) -> listing.Listing:
    rows = selectors.items_for(request.user)
    return listing.read(request, FeedbackFilter, rows, orderings=ORDERINGS, default=DEFAULT_ORDERING)


@login_required
@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    found = feedback_listing(request)
    page = CappedPaginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    sensitive.prime(request.user, items)
    for item in items:
        item.shown_text = sensitive.show(request.user, item, "text")
        item.note = not_analysed_reason(item)
    context = {
        "page": page,
        "items": items,
        "listing": found,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "headers": listing.sort_headers(request, COLUMNS, found.ordering),
        "filtered": found.filtered,
        "querystring": listing.querystring(request),
        "to_confirm": selectors.to_confirm_for(request.user).count(),
    }
    return render(request, "feedback/list.html", context, status=found.status)


CSV_COLUMNS = [
    ("id", lambda f: f.pk),
    ("received_on", lambda f: f.received_on),
    ("customer_id", lambda f: f.customer_id),
    ("customer", lambda f: f.customer.name),
    ("region", lambda f: f.customer.region.code),
    ("segment", lambda f: f.customer.segment.name if f.customer.segment_id else ""),
    ("source", lambda f: f.source),
    ("score", lambda f: f.score),
    ("process", lambda f: f.process.name if f.process_id else ""),
    ("actionable", lambda f: f.actionable),
    ("sentiment", lambda f: f.sentiment or not_analysed_reason(f)),
    ("sentiment_confidence", lambda f: f.sentiment_confidence),
    ("sentiment_confirmed", lambda f: f.sentiment_confirmed),
    ("sentiment_corrected_from", lambda f: f.sentiment_corrected_from),
    ("created_by", lambda f: f.created_by.username if f.created_by_id else ""),
]
# What the customer said: "***" unless the customer is yours or granted (access-logged, channel export).
SENSITIVE_COLUMNS = [("text", lambda f: f, "text")]


@login_required
@require_GET
def feedback_list_csv(request: HttpRequest) -> HttpResponse:
    """The inbox as CSV with the page's filters and order (a bad filter: 400 naming it)."""
    found = feedback_listing(request)
    return exports.listing_csv(
        request,
        found,
        columns=CSV_COLUMNS,
        sensitive_columns=SENSITIVE_COLUMNS,
        what="feedback",
        object_type="feedback.feedbackitem",
    )
