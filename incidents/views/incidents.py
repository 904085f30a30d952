"""The incident pages (issue 19, item 8): the list (filters shared with the API, sortable, paginated), an
incident's page (facts, the lifecycle's buttons, the timeline, posting an update) and the declare form.

Each POST asks who may act before it reads the form (403 otherwise); bad input comes back on the same page
with its errors (400, nothing changed); a step the state refuses is the 409 page naming what is allowed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents.filters import ORDERING_FIELDS, IncidentFilter
from incidents.forms import DeclareForm, ListForm, RuleForm, StepForm, UpdateForm
from incidents.lifecycles import ACTIVE
from incidents.models import Incident
from incidents.selectors import affected as affected_selectors
from incidents.selectors import incidents as selectors
from incidents.services import affected as affected_services
from incidents.services import incidents as services
from intimacy_ops import access, errors, lifecycle, listing
from intimacy_ops.forms import add_domain_errors, handle_form

PAGE_SIZE = 25
CUSTOMERS_PAGE_SIZE = 25
BAR = ["status", "kind", "severity", "region", "started_after", "started_before"]
COLUMNS = [
    ("title", "Incident", ""),
    ("severity", "Severity", ""),
    ("status", "Status", ""),
    ("started_at", "Started", ""),
]


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    found = listing.read(
        request,
        IncidentFilter,
        selectors.incidents_for(request.user),
        orderings=listing.orderings_of(ORDERING_FIELDS),
        default="-started_at",
    )
    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "listing": found,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "headers": listing.sort_headers(request, COLUMNS, found.ordering),
        "querystring": listing.querystring(request),
        "may_declare": bool(access.allowed(request.user, "create", Incident)),
    }
    return render(request, "incidents/list.html", context, status=found.status)


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "create", Incident)
    form = DeclareForm(request.POST if request.method == "POST" else None, user=request.user)

    def act(data: dict) -> tuple[str, str]:
        incident = services.declare(actor=request.user, **data)
        return f"Incident #{incident.pk} declared.", reverse("incidents:detail", args=[incident.pk])

    def page(status: int) -> HttpResponse:
        return render(request, "incidents/declare.html", {"form": form}, status=status)

    return handle_form(request, form, act=act, page=page)


def _context(request, incident: Incident, **forms) -> dict:
    user = request.user
    steps = lifecycle.actions_for(user, incident)
    rows = lifecycle.table_of(incident).rows
    runs = bool(access.allowed_in_scope(user, "change", incident))
    customers = Paginator(affected_selectors.affected_for(user, incident), CUSTOMERS_PAGE_SIZE).get_page(
        request.GET.get("customers_page")
    )
    return {
        "customers": customers,
        "may_add": runs and incident.status in ACTIVE,
        "rule_form": forms.get("rule_form") or RuleForm(incident=incident),
        "list_form": forms.get("list_form") or ListForm(),
        "incident": incident,
        "active": incident.status in ACTIVE,
        "may_post": runs and incident.status in ACTIVE | {Incident.Status.RESOLVED},
        "steps": [(name, rows[name].label) for name in steps],
        "timeline": selectors.timeline(incident),
        "step_form": forms.get("step_form") or StepForm(),
        "update_form": forms.get("update_form") or UpdateForm(),
    }


def _page(request, pk: int, status: int = 200, **forms) -> HttpResponse:
    incident = selectors.incident_for_page(request.user, pk)
    return render(request, "incidents/detail.html", _context(request, incident, **forms), status=status)


@login_required
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


@login_required
@require_POST
def incident_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Mitigated, resolved, reviewed or cancelled (with a reason): who runs the incident."""
    incident = selectors.incident_for_page(request.user, pk)
    access.require(request.user, "change", incident)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.transition(
                incident=incident,
                action=form.cleaned_data["action"],
                actor=request.user,
                comment=form.cleaned_data["comment"],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            label = lifecycle.table_of(Incident).rows[form.cleaned_data["action"]].label
            messages.success(request, f"Incident #{incident.pk}: {label.lower()}.")
            return redirect("incidents:detail", pk=incident.pk)
    return _page(request, pk, status=400, step_form=form)


@login_required
@require_POST
def incident_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Post an update to the timeline: who runs the incident."""
    incident = selectors.incident_for_page(request.user, pk)
    access.require(request.user, "change", incident)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.post_update(incident=incident, actor=request.user, text=form.cleaned_data["text"])
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Update posted.")
            return redirect(reverse("incidents:detail", args=[incident.pk]) + "#timeline")
    return _page(request, pk, status=400, update_form=form)


@login_required
@require_POST
def incident_customers(request: HttpRequest, pk: int) -> HttpResponse:
    """Add affected customers by rule (`how=rule`) or from a CSV file (`how=list`): who runs the incident."""
    incident = selectors.incident_for_page(request.user, pk)
    access.require(request.user, "change", incident)
    by_list = request.POST.get("how") == "list"
    form = ListForm(request.POST, request.FILES) if by_list else RuleForm(request.POST, incident=incident)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if by_list:
                added = affected_services.add_from_list(
                    incident=incident, actor=request.user, content=data["file"].read()
                )
            else:
                added = affected_services.add_by_rule(
                    incident=incident,
                    actor=request.user,
                    segments=data["segments"],
                    regions=data["regions"],
                    processes=data["processes"],
                )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, f"{added:,} customer{'s' if added != 1 else ''} added.")
            return redirect(reverse("incidents:detail", args=[incident.pk]) + "#customers")
    key = "list_form" if by_list else "rule_form"
    return _page(request, pk, status=400, **{key: form})
