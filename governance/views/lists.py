"""The governance page `/governance/`: a member's queue (reviews waiting for my vote, due soonest first, overdue
in red; below, the other open reviews I see) — or, once a filter or an order is given (the dashboard's
drill-down links), every review I may see that matches the API's filters (governance/filters.py), sortable;
and that list as CSV (`/governance/export.csv`, same query string)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from governance.access_rules import sits_on_a_board
from governance.filters import ORDERING_FIELDS, ReviewFilter
from governance.models import Review
from governance.selectors import reviews as selectors
from intimacy_ops import access, exports, listing
from intimacy_ops.pagination import IdsFirstPaginator

PAGE_SIZE = 20
ORDERINGS = listing.orderings_of(ORDERING_FIELDS)
COLUMNS = [
    ("kind", "Review", ""),
    ("board__name", "Board", ""),
    ("due_on", "Due", ""),
    ("status", "Status", ""),
    ("opened_at", "Opened", ""),
]
BAR = ["board", "status", "overdue", "kind", "region"]


def review_listing(request: HttpRequest) -> listing.Listing:
    rows = access.visible(request.user, Review)
    return listing.read(request, ReviewFilter, rows, orderings=ORDERINGS, default="due_on")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    found = review_listing(request)
    browsing = found.filtered or listing.ORDERING in request.GET or not found.valid
    boards = selectors.boards_with_history(user)
    context = {
        "listing": found,
        "browsing": browsing,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "querystring": listing.querystring(request),
        "today": timezone.localdate(),
        "boards": boards,
        "on_a_board": sits_on_a_board(user),
    }
    # A page's ids first (the scope's subqueries and the sort), then its rows by id with what a row shows:
    # joined before the sort, a member's 1,200 waiting reviews cost 27 ms (bench/README.md).
    by_id = selectors.rows_by_id
    if browsing:
        context["page"] = IdsFirstPaginator(found.rows, PAGE_SIZE, rows_by_id=by_id).get_page(
            request.GET.get("page")
        )
        context["headers"] = listing.sort_headers(request, COLUMNS, found.ordering)
    else:
        # A board's queue can hold hundreds of reviews: both lists are paged, each row one query's worth.
        waiting = access.visible(user, selectors.waiting_for_vote(user))
        if context["on_a_board"]:
            # Standing in for someone, a row says for whom: read with the list's annotations.
            waiting_by_id = None if selectors.stands_in(user) else selectors.waiting_rows_by_id
            context["waiting"] = IdsFirstPaginator(waiting, PAGE_SIZE, rows_by_id=waiting_by_id).get_page(
                request.GET.get("waiting")
            )
        others = selectors.other_open_reviews(user)
        context["page"] = IdsFirstPaginator(others, PAGE_SIZE, rows_by_id=by_id).get_page(
            request.GET.get("page")
        )
    return render(request, "governance/queue.html", context, status=found.status)


CSV_COLUMNS = [
    ("id", lambda r: r.pk),
    ("kind", lambda r: r.kind),
    ("title", lambda r: r.exception.title if r.exception_id else r.title),
    ("board", lambda r: r.board.name),
    ("status", lambda r: r.status),
    ("outcome", lambda r: r.outcome),
    ("due_on", lambda r: r.due_on),
    ("overdue", lambda r: r.status == Review.Status.OPEN and r.due_on < timezone.localdate()),
    ("opened_at", lambda r: r.opened_at.isoformat()),
    ("closed_at", lambda r: r.closed_at and r.closed_at.isoformat()),
    ("exception_id", lambda r: r.exception_id),
    ("customer", lambda r: r.exception.customer.name if r.exception_id else ""),
    ("region", lambda r: r.exception.customer.region.code if r.exception_id else ""),
    ("process", lambda r: (r.exception.process if r.exception_id else r.process).name),
    ("deferrals", lambda r: r.deferrals),
]


@login_required
@require_GET
def review_list_csv(request: HttpRequest) -> HttpResponse:
    """The reviews matching the filters as CSV, in the page's order (a bad filter: 400 naming it)."""
    found = review_listing(request)
    return exports.listing_csv(
        request,
        found,
        columns=CSV_COLUMNS,
        what="reviews",
        object_type="governance.review",
        shape=lambda rows: rows.select_related(
            "board", "exception__customer__region", "exception__process", "process"
        ),
    )
