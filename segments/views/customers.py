"""Customer pages: the list (search, filters, sort, "my accounts"), a customer, lock and unlock of the tier."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from intimacy_ops import access, errors, listing, sensitive
from intimacy_ops.forms import add_domain_errors
from intimacy_ops.pagination import CappedPaginator
from privacy.forms import BreakGlassForm
from segments.filters import CustomerFilter
from segments.forms import (
    CustomerFilterForm,
    LockForm,
    UnlockForm,
)
from segments.models import Customer
from segments.selectors import customers as pages
from segments.services import customers
from segments.views.common import PAGE_SIZE

CUSTOMER_COLUMNS = [
    # key, label, flags ("num": right-aligned figure, "hide": left out on a phone)
    ("name", "Customer", ""),
    ("segment", "Segment", ""),
    ("region", "Region", "hide"),
    ("manager", "Account manager", "hide"),
    ("revenue", "Annual revenue", "num"),
    ("strategic", "Strategic value", "num hide"),
    ("open_cases", "Open cases", "num"),
]


# The page's keys, and the API's ordering fields (the same `?ordering=` works on both).
ORDERINGS = {
    **listing.orderings_of(
        ["name", "external_id", "annual_revenue", "strategic_value", "segment__rank", "region__code"]
    ),
    **pages.CUSTOMER_SORTS,
}


def customer_listing(request: HttpRequest) -> listing.Listing:
    """The customers of the page and its CSV: the page's own filters (search, manager, mine), then the API's
    (segments/filters.py: segment, region, …), then `ordering` (`sort` still read: older links)."""
    filters = CustomerFilterForm(request.GET, user=request.user).filters()
    rows = pages.customers(request.user, **filters)
    data = request.GET
    if "sort" in data and "ordering" not in data:
        data = data.copy()
        data["ordering"] = data["sort"]
    found = listing.read(request, CustomerFilter, rows, orderings=ORDERINGS, default="name", data=data)
    found.page_filters = filters
    return found


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    # An e-mail address in the search box is a search by contact_email: refused, it would reveal it.
    sensitive.refuse_masked_query(user, Customer, request.GET, ordering_param="sort", search_param="q")
    sensitive.refuse_masked_query(user, Customer, request.GET, ordering_param="ordering", search_param="q")
    found = customer_listing(request)
    cleaned = found.filterset.form.cleaned_data if found.valid else {}
    filters = {
        **found.page_filters,
        "segment": cleaned.get("segment"),
        "region": cleaned.get("region"),
        "sort": found.ordering,
    }
    page = CappedPaginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    choices = pages.customer_filter_choices(user)
    show_region = len(choices["regions"]) > 1
    show_manager = len(choices["managers"]) > 1 or filters["manager"] is not None
    columns = [c for c in CUSTOMER_COLUMNS if c[0] != "region" or show_region]
    counts = pages.customer_counts(user)
    context = {
        "page": page,
        "filters": filters,
        "listing": found,
        "hidden_filters": listing.hidden_fields(found, ["segment", "region"]),
        "choices": choices,
        "counts": counts,
        "tab_cap": pages.tab_count_cap(),
        # The "my accounts" toggle, for whoever manages some of these customers.
        "manages_accounts": bool(counts["mine"]) or filters["mine"],
        "show_region": show_region,
        "show_manager": show_manager,
        "filter_selects": 1 + show_region + show_manager,
        "headers": listing.sort_headers(request, columns, found.ordering),
        "querystring": listing.querystring(request),
        "mine_query": listing.querystring(request, mine="1"),
        "all_query": listing.querystring(request, mine=None),
        "filtered": bool(found.filtered or any(filters[key] for key in ("q", "manager"))),
    }
    return render(request, "segments/customer_list.html", context, status=found.status)


def _customer_page(
    request, pk, *, lock_form=None, unlock_form=None, break_glass_form=None, status=200
) -> HttpResponse:
    user = request.user
    data = pages.customer_detail(user, pk)
    customer = data["customer"]
    data.update(
        {
            "contact_email": sensitive.show(user, customer, "contact_email"),
            "personal_notes": sensitive.show(user, customer, "personal_notes"),
            "masked": sensitive.MASK,
            # Why the sensitive fields are shown ("own account", "grant: …", "break-glass"), or None.
            "sensitive_purpose": sensitive.purpose(user, customer, "personal_notes"),
            "break_glass_form": break_glass_form or BreakGlassForm(),
            "lock_form": lock_form or LockForm(initial={"segment": customer.segment_id}),
            "unlock_form": unlock_form or UnlockForm(),
        }
    )
    return render(request, "segments/customer_detail.html", data, status=status)


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _customer_page(request, pk)


@login_required
@require_POST
def customer_lock(request: HttpRequest, pk: int) -> HttpResponse:
    customer = access.get_visible(request.user, Customer, pk=pk)
    access.require(request.user, "lock_segment", customer)
    form = LockForm(request.POST)
    if form.is_valid():
        try:
            customers.lock_segment(
                actor=request.user,
                customer=customer,
                segment=form.cleaned_data["segment"],
                reason=form.cleaned_data["reason"],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(
                request,
                f"{customer.name} is now held in {form.cleaned_data['segment'].name}; the rules leave them there until unlocked.",
            )
            return redirect("segments:customer-detail", pk=customer.pk)
    return _customer_page(request, pk, lock_form=form, status=400)


@login_required
@require_POST
def customer_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    customer = access.get_visible(request.user, Customer, pk=pk)
    access.require(request.user, "lock_segment", customer)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return _customer_page(request, pk, unlock_form=form, status=400)
    customer = customers.unlock_segment(
        actor=request.user, customer=customer, reason=form.cleaned_data["reason"]
    )
    customer.refresh_from_db()
    messages.success(
        request,
        f"{customer.name} follows the rules again: classified in {customer.segment or 'no segment'}.",
    )
    return redirect("segments:customer-detail", pk=customer.pk)
