"""The escalations page (/escalations/): what is raised to me first, then my regions', by level and age, with
the API's filters (escalations/filters.py) and its CSV (`/escalations/export.csv`); acknowledge in place
(htmx), resolve after a confirmation with what was done."""

from urllib.parse import parse_qs, urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import access, errors, exports, lifecycle, listing
from intimacy_ops.escalations import selectors, services
from intimacy_ops.escalations.filters import ORDERING_FIELDS, EscalationFilter
from intimacy_ops.escalations.selectors import STATE_FILTERS, State
from intimacy_ops.forms import add_domain_errors
from intimacy_ops.pagination import IdsFirstPaginator

PAGE_SIZE = 25
STATE_LABELS = {State.OPEN: "Open", State.ACKNOWLEDGED: "Acknowledged", State.RESOLVED: "Resolved"}


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="What was done about it",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}),
        help_text="Kept with the escalation and in the audit trail.",
    )


def _get(user, pk: int):
    return access.get_visible(user, selectors.escalations_for(user), pk=pk)


def _actions(user, escalation) -> list[str]:
    # The row's buttons, from the lifecycle table; the rows come from the user's scope already, so the
    # engine asks the rule itself, not `access.allowed` (a query per row).
    return lifecycle.actions_for(user, escalation)


ORDERINGS = {
    **listing.orderings_of(ORDERING_FIELDS),
    "mine": ("mine", "-level", "raised_at", "id"),  # the default: raised to me first, then level, then age
}
SORTS = [
    ("level", "Level", ""),
    ("raised_at", "Raised", ""),
    ("reason", "Reason", ""),
    ("target_role", "Target", ""),
]
BAR = ["level", "reason", "target", "open", "unheld", "region", "raised_before"]


def escalation_listing(request: HttpRequest) -> tuple[listing.Listing, str | None]:
    """The escalations of the page and its CSV: the state tab (`state`; open by default, unless filters are
    given without one: then every state the filters allow), the API's filters, `ordering`."""
    rows = selectors.escalations_for(request.user)
    state = request.GET.get("state")
    if state not in STATE_FILTERS:
        state = None if any(name in request.GET for name in EscalationFilter.base_filters) else State.OPEN
    if state is not None:
        rows = rows.filter(STATE_FILTERS[state])
    default = "-resolved_at" if state == State.RESOLVED else "-mine"
    return listing.read(request, EscalationFilter, rows, orderings=ORDERINGS, default=default), state


def _tabs(user) -> list[dict]:
    """The state tabs with their counts (one aggregate query)."""
    counts = (
        selectors.escalations_for(user)
        .order_by()
        .aggregate(**{key: Count("id", filter=condition) for key, condition in STATE_FILTERS.items()})
    )
    return [{"key": key, "label": STATE_LABELS[key], "count": counts[key]} for key in State.ALL]


@login_required
@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    return escalation_page(request)


def escalation_page(request: HttpRequest, *, bulk_form=None, status: int = 200) -> HttpResponse:
    """The page; `bulk_form`: a bulk acknowledgement refused on its input, drawn with its errors."""
    found, state = escalation_listing(request)
    tabs = _tabs(request.user)
    paginator = IdsFirstPaginator(found.rows, PAGE_SIZE)
    if state is not None and found.valid and not found.filtered:  # the list is its tab: counted already
        paginator.count = next(tab["count"] for tab in tabs if tab["key"] == state)
    page = paginator.get_page(request.GET.get("page"))
    for escalation in page.object_list:
        escalation.actions = _actions(request.user, escalation)
    return render(
        request,
        "escalations/list.html",
        {
            "page": page,
            "state": state,
            "listing": found,
            "bar_fields": listing.bar_fields(found, BAR),
            "hidden_filters": listing.hidden_fields(found, BAR)
            + ([("state", state)] if "state" in request.GET and state else []),
            "headers": listing.sort_headers(request, SORTS, found.ordering),
            "grouped": found.ordering == "-mine" and state != State.RESOLVED,
            "tabs": tabs,
            "querystring": listing.querystring(request),
            "page_query": request.GET.urlencode(),
            "bulk_form": bulk_form,
            "selected": set(getattr(bulk_form, "cleaned_data", {}).get("ids", [])),
            "may_acknowledge": any("acknowledge" in e.actions for e in page.object_list),
        },
        status=max(status, found.status),
    )


CSV_COLUMNS = [
    ("id", lambda e: e.pk),
    ("reason", lambda e: e.reason),
    ("level", lambda e: e.level),
    ("subject", lambda e: e.subject_label),
    ("subject_type", lambda e: f"{e.content_type.app_label}.{e.content_type.model}"),
    ("subject_id", lambda e: e.object_id),
    ("region", lambda e: e.region.code if e.region_id else ""),
    ("target_user", lambda e: e.target_user.username if e.target_user_id else ""),
    ("target_role", lambda e: e.target_role),
    ("raised_at", lambda e: e.raised_at.isoformat()),
    ("next_level_at", lambda e: e.next_level_at and e.next_level_at.isoformat()),
    ("acknowledged_at", lambda e: e.acknowledged_at and e.acknowledged_at.isoformat()),
    ("resolved_at", lambda e: e.resolved_at and e.resolved_at.isoformat()),
    ("detail", lambda e: e.detail),
]


@login_required
@require_GET
def escalation_list_csv(request: HttpRequest) -> HttpResponse:
    """The escalations page as CSV, same tab, filters and order (a bad filter: 400 naming it)."""
    found, _ = escalation_listing(request)
    return exports.listing_csv(
        request,
        found,
        columns=CSV_COLUMNS,
        what="escalations",
        object_type="intimacy_ops.escalation",
    )


@login_required
@require_POST
def escalation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _get(request.user, pk)
    htmx = request.headers.get("HX-Request") == "true"
    problem = ""
    try:
        services.acknowledge(escalation=escalation, actor=request.user)
    except errors.TransitionNotAllowed as conflict:
        if not htmx:
            raise
        problem = conflict.message  # someone was quicker: show the row as it is now, saying so
    escalation = _get(request.user, pk)
    if htmx:
        escalation.actions = _actions(request.user, escalation)
        # The row, and the tabs' counts with it (an acknowledged one moves from "open" to "acknowledged").
        row = render(request, "escalations/_row.html", {"escalation": escalation, "problem": problem})
        shown = parse_qs(urlsplit(request.headers.get("HX-Current-URL", "")).query).get("state", [State.OPEN])
        tabs = render_to_string(
            "escalations/_tabs.html",
            {"tabs": _tabs(request.user), "state": shown[0], "oob": True},
            request=request,
        )
        row.content += tabs.encode()
        return row
    messages.success(
        request, f"You acknowledged the escalation on {escalation.subject_label}; it stops climbing."
    )
    return redirect("escalations:list")


@login_required
@require_http_methods(["GET", "POST"])
def escalation_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolving asks first: what was done, then the act."""
    escalation = _get(request.user, pk)
    lifecycle.check(escalation, "resolve", actor=request.user)  # 409 if already resolved; 403
    form = ResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve(
                escalation=escalation, actor=request.user, resolution=form.cleaned_data["resolution"]
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, f"The escalation on {escalation.subject_label} is resolved.")
            return redirect("escalations:list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "escalations/resolve_confirm.html", {"escalation": escalation, "form": form}, status=status
    )
