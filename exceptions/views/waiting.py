"""An operations lead's queue, "Waiting for me" (`/exceptions/waiting/`): the lead-routed requests of their
regions waiting for a decision, oldest first, with their age and the figures a decision rests on (risk,
monthly and one-off cost, how long it runs), the API's filters in the URL, sortable columns, saved views —
and one decision on several at once (`/exceptions/waiting/bulk/`): tick, choose, confirm, then one result
naming each refusal. Each request goes through `lifecycle.decide_request`, as from its own page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from exceptions import selectors
from exceptions.filters import ORDERING_FIELDS, ExceptionFilter
from exceptions.forms import BulkDecisionForm
from exceptions.models import ExceptionRequest
from exceptions.services import lifecycle
from intimacy_ops import access, bulk, listing
from intimacy_ops.pagination import CappedPaginator

PAGE_SIZE = 25
ORDERINGS = {**listing.orderings_of(ORDERING_FIELDS), "risk_rating": ("risk_order", "id")}
DEFAULT_ORDERING = "status_changed_at"  # the one waiting longest first
COLUMNS = [
    ("title", "Request", ""),
    ("customer__name", "Customer", "hide"),
    ("risk_rating", "Risk", ""),
    ("estimated_monthly_cost", "Monthly", "num"),
    ("estimated_one_off_cost", "One-off", "num"),
    ("expires_on", "Runs", "hide"),
    ("status_changed_at", "Waiting", ""),
]
BAR = ["risk", "process", "segment", "region", "created_after", "created_before"]
# What a decision makes of a request, as the result reads ("3 approved, 1 refused — …").
VERBS = {"approve": "approved", "reject": "rejected", "return_for_changes": "returned for changes"}
WAITING = (ExceptionRequest.Status.SUBMITTED, ExceptionRequest.Status.UNDER_REVIEW)


def waiting_page(request: HttpRequest, *, bulk_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    access.require(user, "decide_as_lead", ExceptionRequest)
    found = listing.read(
        request,
        ExceptionFilter,
        selectors.with_risk_order(selectors.waiting_for(user)),
        orderings=ORDERINGS,
        default=DEFAULT_ORDERING,
    )
    page = CappedPaginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = listing.querystring(request)
    context = {
        "page": page,
        "listing": found,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "headers": listing.sort_headers(request, COLUMNS, found.ordering),
        "querystring": querystring,
        "page_query": request.GET.urlencode(),
        "bulk_form": bulk_form or BulkDecisionForm(initial={"action": "approve"}),
        "selected": set(getattr(bulk_form, "cleaned_data", {}).get("ids", [])),
    }
    return render(request, "exceptions/waiting_list.html", context, status=max(status, found.status))


@login_required
@require_GET
def waiting_list(request: HttpRequest) -> HttpResponse:
    return waiting_page(request)


@login_required
@require_POST
def waiting_bulk(request: HttpRequest) -> HttpResponse:
    """Several requests decided at once: the first POST shows what will happen, the confirmed one does it."""
    user = request.user
    access.require(user, "decide_as_lead", ExceptionRequest)
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        return waiting_page(request, bulk_form=form, status=400)
    data = form.cleaned_data
    rows = selectors.for_decision(user, data["ids"])
    back = reverse("exceptions:waiting") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not data["confirmed"]:
        for row in rows:
            row.still_waiting = row.status in WAITING and row.route == ExceptionRequest.Route.LEAD
        context = {
            "form": form,
            "rows": rows,
            "verb": VERBS[data["action"]],
            "label": dict(form.fields["action"].choices)[data["action"]],
            "unknown": len(data["ids"]) - len(rows),
            "back": back,
            "page_query": request.GET.urlencode(),
        }
        return render(request, "exceptions/waiting_confirm.html", context)

    def decide(row: ExceptionRequest) -> None:
        lifecycle.decide_request(exception=row, actor=user, action=data["action"], comment=data["comment"])

    result = bulk.run(
        rows, decide, label=lambda row: row.title, verb=VERBS[data["action"]], asked=data["ids"]
    )
    messages.add_message(request, result.level, result.message)
    return redirect(back)
