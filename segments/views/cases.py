"""Service cases with due times, breaches, queues and waits: the page with the API's filters
(segments/filters.py) and sortable columns, and the same list as CSV (`/segments/cases/export.csv`)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from intimacy_ops import exports, listing
from segments.case_rows import case_row
from segments.filters import CaseFilter
from segments.forms import CaseFilterForm
from segments.selectors import cases as pages
from segments.views.common import PAGE_SIZE

CASE_COLUMNS = [
    ("opened", "Case", ""),
    ("customer", "Customer", ""),
    ("priority", "Priority", ""),
    ("due", "SLA", ""),
    ("queue", "Queue", "hide"),
]
# The page's keys, and the API's ordering fields (the same `?ordering=` works on both).
ORDERINGS = {
    **listing.orderings_of(["opened_at", "resolved_at", "response_due_at", "resolution_due_at"]),
    **pages.CASE_SORTS,
}
LEGACY_YES_NO = {"yes": "true", "no": "false"}
BAR = ["breached", "priority", "segment", "region", "queue", "waiting"]


def case_listing(request: HttpRequest) -> tuple[listing.Listing, dict]:
    user = request.user
    page_filters = CaseFilterForm(request.GET).filters()
    rows = pages.cases(user, q=page_filters["q"], status=page_filters["status"])
    data = request.GET.copy()
    for name in ("breached", "waiting"):  # older links (notices, bookmarks) say yes/no
        if data.get(name) in LEGACY_YES_NO:
            data[name] = LEGACY_YES_NO[data[name]]
    found = listing.read(request, CaseFilter, rows, orderings=ORDERINGS, default="due", data=data)
    return found, page_filters


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    found, filters = case_listing(request)
    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [case_row(case) for case in page.object_list]
    choices = pages.case_filter_choices(user)
    listing.offer(found, "queue", choices["queues"], label=str, value=str)
    given = {name: found.filterset.data.get(name, "") for name in ("breached", "waiting")}
    quick = None
    if filters["status"] == "open" and not found.given - {"breached", "waiting"} and not filters["q"]:
        quick = {
            ("", ""): "open",
            ("true", ""): "breached",
            ("false", ""): "within",
            ("", "true"): "waiting",
        }.get((given["breached"], given["waiting"]))
    context = {
        "page": page,
        "rows": rows,
        "filters": {**filters, "customer": found.filterset.form.cleaned_data.get("customer")},
        "listing": found,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "counts": pages.case_counts(user),
        "quick": quick,
        "headers": listing.sort_headers(request, CASE_COLUMNS, found.ordering),
        "querystring": listing.querystring(request),
        "filtered": bool(found.filtered or filters["q"]),
    }
    return render(request, "segments/case_list.html", context, status=found.status)


CSV_COLUMNS = [
    ("id", lambda c: c.pk),
    ("external_id", lambda c: c.external_id),
    ("title", lambda c: c.title),
    ("customer_id", lambda c: c.customer_id),
    ("customer", lambda c: c.customer.name),
    ("region", lambda c: c.customer.region.code),
    ("segment", lambda c: c.customer.segment.name if c.customer.segment_id else ""),
    ("priority", lambda c: c.priority),
    ("queue", lambda c: c.queue),
    ("opened_at", lambda c: c.opened_at.isoformat()),
    ("first_response_at", lambda c: c.first_response_at and c.first_response_at.isoformat()),
    ("resolved_at", lambda c: c.resolved_at and c.resolved_at.isoformat()),
    ("response_due_at", lambda c: c.response_due_at and c.response_due_at.isoformat()),
    ("resolution_due_at", lambda c: c.resolution_due_at and c.resolution_due_at.isoformat()),
    ("breached", lambda c: c.breached),
    ("waiting", lambda c: c.waiting_now),
]
SENSITIVE_COLUMNS = [("customer_contact_email", lambda c: c.customer, "contact_email")]


@login_required
@require_GET
def case_list_csv(request: HttpRequest) -> HttpResponse:
    """The cases page as CSV, same filters and order (a bad filter: 400 naming it)."""
    found, _ = case_listing(request)
    return exports.listing_csv(
        request,
        found,
        columns=CSV_COLUMNS,
        sensitive_columns=SENSITIVE_COLUMNS,
        what="cases",
        object_type="segments.servicecase",
    )
