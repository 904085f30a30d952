"""Pages of the exceptions app, under /exceptions/: the request form with autosave and the similar
requests panel, the review before submit, the request page with its timeline and actions, "my requests",
and the operations lead's "waiting for me".

Each view parses its input, calls one selector or service, and renders. Domain errors a service raises
become the 403/404/409 pages of the layout (intimacy_ops.middleware) unless a form field is the better
place to say it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exceptions import page_selectors as pages
from exceptions import selectors
from exceptions.forms import DecisionForm, ExceptionRequestForm, RequestFilterForm, WithdrawForm, initial_from
from exceptions.lifecycles import actions_for
from exceptions.models import ExceptionRequest, Process
from exceptions.services import lifecycle
from exceptions.services import requests as request_services
from exceptions.services.routing import is_below_threshold
from exceptions.views_ledger import ledger_context
from intimacy_ops import access, errors
from intimacy_ops.accounts.roles import Role
from intimacy_ops.forms import add_domain_errors
from segments.models import Customer

PAGE_SIZE = 25
Status = ExceptionRequest.Status


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _get_request(user, pk: int) -> ExceptionRequest:
    return access.get_visible(user, selectors.exceptions_for(user), pk=pk)


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- lists ------------------------------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """ "My requests" for account managers (every visible request for the other roles), with filters."""
    user = request.user
    mine = user.has_role(Role.ACCOUNT_MANAGER)
    base = pages.request_list(user)
    form = RequestFilterForm(request.GET or None, customers=pages.customers_for_filter(user))
    filters = form.filters()
    queryset = base
    if filters["status"]:
        queryset = queryset.filter(status=filters["status"])
    if filters["customer"]:
        queryset = queryset.filter(customer=filters["customer"])
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "mine": mine,
        "filtered": bool(filters["status"] or filters["customer"]),
        "querystring": _querystring(request),
        "is_lead": user.has_role(Role.OPERATIONS_LEAD),
    }
    return render(request, "exceptions/request_list.html", context)


@login_required
@require_GET
def waiting_list(request: HttpRequest) -> HttpResponse:
    """An operations lead's queue: small requests of their regions waiting for a decision."""
    if not request.user.has_role(Role.OPERATIONS_LEAD):
        raise errors.PermissionDenied("Only operations leads decide requests routed to a single approver.")
    page = Paginator(pages.waiting_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exceptions/waiting_list.html", {"page": page, "querystring": ""})


# --- the request form: new, edit, autosave, similar panel ----------------------------------------------


def _form_page(request, form, *, exception=None, status=200) -> HttpResponse:
    process = form["process"].value()
    customer = form["customer"].value()
    context = {
        "form": form,
        "exception": exception,
        "similar": _similar_context(request.user, process, customer),
    }
    return render(request, "exceptions/request_form.html", context, status=status)


def _editable(user, pk: int) -> ExceptionRequest:
    exception = _get_request(user, pk)
    access.require(user, "change", exception)
    if exception.status not in request_services.EDITABLE_STATES:
        raise errors.TransitionNotAllowed(
            action="edit", status=exception.status, allowed_actions=actions_for(user, exception)
        )
    return exception


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_role(Role.ACCOUNT_MANAGER):
        raise errors.PermissionDenied(
            "Only account managers ask for exceptions, for the customers they manage."
        )
    if request.method == "GET":
        initial = {}
        if request.GET.get("customer"):
            initial["customer"] = request.GET["customer"]
        return _form_page(request, ExceptionRequestForm(initial=initial, user=user))
    form = ExceptionRequestForm(request.POST, user=user)
    if request.POST.get("draft"):  # autosave already made the draft: this is an edit of it
        return request_edit(request, int(request.POST["draft"]))
    if not form.check_rules():
        return _form_page(request, form, status=400)
    values = form.values()
    exception = request_services.create_request(
        actor=user, customer=values.pop("customer"), process=values.pop("process"), **values
    )
    messages.success(request, "Draft saved. Read it through, then submit it.")
    return redirect("exceptions:review", pk=exception.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exception = _editable(user, pk)
    if request.method == "GET":
        return _form_page(
            request, ExceptionRequestForm(initial=initial_from(exception), user=user), exception=exception
        )
    form = ExceptionRequestForm(request.POST, user=user)
    if not form.check_rules():
        return _form_page(request, form, exception=exception, status=400)
    try:
        request_services.update_request(actor=user, exception=exception, **form.values())
    except errors.ValidationFailed as problem:
        form.add_problem(problem)
        return _form_page(request, form, exception=exception, status=400)
    messages.success(request, "Changes saved. Read it through, then submit it.")
    return redirect("exceptions:review", pk=exception.pk)


def _shown_errors(form, touched: list[str]) -> dict[str, list[str]]:
    """While typing, speak only about fields already filled in, and those the user has been through."""
    shown = {}
    for name, problems in form.errors.items():
        if name == "__all__":
            continue
        value = form.data.getlist(name) if name == "scope_regions" else form.data.get(name, "")
        if name in touched or value not in ("", [], None):
            shown[name] = list(problems)
    return shown


@login_required
@require_POST
def request_autosave(request: HttpRequest) -> HttpResponse:
    """htmx, on every change: check each field and, once the request holds together, save it as a draft."""
    user = request.user
    if not user.has_role(Role.ACCOUNT_MANAGER):
        raise errors.PermissionDenied(
            "Only account managers ask for exceptions, for the customers they manage."
        )
    form = ExceptionRequestForm(request.POST, user=user)
    draft_id = request.POST.get("draft") or None
    exception = _editable(user, int(draft_id)) if draft_id else None
    saved_at = None
    if form.check_rules():
        values = form.values()
        if exception is None:
            exception = request_services.create_request(
                actor=user, customer=values.pop("customer"), process=values.pop("process"), **values
            )
        else:
            try:
                request_services.update_request(actor=user, exception=exception, **values)
            except errors.ValidationFailed as problem:
                form.add_problem(problem)
        if form.is_valid() and not form.errors:
            saved_at = timezone.localtime()
    shown = _shown_errors(form, request.POST.get("touched", "").split(","))
    context = {
        "form": form,
        "field_errors": [(name, " ".join(shown.get(name, []))) for name in form.fields],
        "exception": exception,
        "saved_at": saved_at,
        "problem_count": len(form.errors),
    }
    response = render(request, "exceptions/_autosave.html", context)
    if exception is not None:
        response["HX-Replace-Url"] = reverse("exceptions:edit", args=[exception.pk])
    return response


def _similar_context(user, process_id, customer_id) -> dict | None:
    try:
        process = selectors.processes_for(user).get(pk=int(process_id))
    except (TypeError, ValueError, Process.DoesNotExist):
        return None
    customer = None
    if customer_id:
        customer = (
            access.visible(user, Customer).filter(pk=customer_id).first()
            if str(customer_id).isdigit()
            else None
        )
    similar = selectors.similar_active_exceptions(user, process=process, customer=customer).order_by(
        "-estimated_monthly_cost", "id"
    )
    version = process.versions.filter(number=process.version).first()
    return {
        "process": process,
        "customer": customer,
        "summary": selectors.similar_summary(process=process),
        "may_change": bool(access.allowed(user, "change", process)),
        "rows": list(similar[:8]),
        "more": max(similar.count() - 8, 0),
        "standard_options": version.standard_options if version else [],
    }


@login_required
@require_GET
def similar_panel(request: HttpRequest) -> HttpResponse:
    """htmx: the similar requests panel for the chosen process (and customer)."""
    context = {
        "similar": _similar_context(request.user, request.GET.get("process"), request.GET.get("customer"))
    }
    return render(request, "exceptions/_similar.html", context)


# --- review before submit, the request page and its actions ------------------------------------------


def _route_preview(exception: ExceptionRequest) -> str:
    threshold = getattr(exception.customer.region, "routing_threshold", None)
    if threshold is None:
        return f"No routing threshold is set for {exception.customer.region.code}: ask its operations lead."
    if is_below_threshold(exception, threshold):
        return (
            f"Below the {exception.customer.region.code} threshold: an operations lead of the region decides."
        )
    return "Above the threshold: the change-control board reviews it."


@login_required
@require_GET
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    exception = _get_request(request.user, pk)
    if "submit" not in actions_for(request.user, exception):
        return redirect("exceptions:detail", pk=pk)
    context = {"exception": exception, "route_preview": _route_preview(exception), "problems": None}
    try:
        request_services.check_stored(exception, request.user)
    except errors.ValidationFailed as problem:
        context["problems"] = problem.fields
    return render(request, "exceptions/request_review.html", context)


@login_required
@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    exception = _get_request(request.user, pk)
    exception = lifecycle.submit_request(
        exception=exception, actor=request.user, comment=request.POST.get("comment", "").strip()
    )
    messages.success(request, f"Submitted: {exception.get_status_display().lower()}.")
    return redirect("exceptions:detail", pk=pk)


# The timeline tells what happened, in the past tense.
STEP_LABELS = {
    "submit": "Submitted",
    "route": "Routed for review",
    "approve": "Approved",
    "reject": "Rejected",
    "return_for_changes": "Returned for changes",
    "activate": "Activated",
    "expire": "Expired",
    "sunset": "Sunset",
    "standardize": "Standardized",
    "revoke": "Revoked",
    "withdraw": "Withdrawn",
}


def _detail_page(request, exception, *, decision_form=None, forms=None, status=200) -> HttpResponse:
    user = request.user
    actions = actions_for(user, exception)
    entries = list(selectors.cost_entries(user, exception))
    timeline = list(selectors.timeline(user, exception))
    for step in timeline:
        step.label = STEP_LABELS.get(step.action, step.action.replace("_", " ").capitalize())
    actual = sum((entry.amount for entry in entries), start=0)
    context = {
        "exception": exception,
        "timeline": timeline,
        "entries": entries,
        "actual": actual,
        "actions": actions,
        "decide": [a for a in actions if a in lifecycle.LEAD_DECISIONS],
        "decision_form": decision_form or DecisionForm(),
        "approvers": pages.approvers(exception)
        if exception.route == ExceptionRequest.Route.LEAD
        and exception.status in (Status.SUBMITTED, Status.UNDER_REVIEW)
        else [],
        **ledger_context(user, exception, forms),
    }
    return render(request, "exceptions/request_detail.html", context, status=status)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _get_request(request.user, pk))


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """An operations lead approves, rejects or returns a request routed to them."""
    exception = _get_request(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, exception, decision_form=form, status=400)
    action = form.cleaned_data["action"]
    try:
        exception = lifecycle.decide_request(
            exception=exception, actor=request.user, action=action, comment=form.cleaned_data["comment"]
        )
    except errors.ValidationFailed as problem:
        add_domain_errors(form, problem)
        return _detail_page(request, exception, decision_form=form, status=400)
    messages.success(request, f"{exception.title}: {exception.get_status_display().lower()}.")
    return redirect("exceptions:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdrawing asks first: a confirmation page, then the act."""
    exception = _get_request(request.user, pk)
    if "withdraw" not in actions_for(request.user, exception):
        lifecycle.check_transition(exception, "withdraw", actor=request.user)  # 409 or 403, saying why
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        lifecycle.withdraw_request(
            exception=exception, actor=request.user, comment=form.cleaned_data["comment"]
        )
        messages.success(request, f"{exception.title} is withdrawn.")
        return redirect("exceptions:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "exceptions/withdraw_confirm.html", {"exception": exception, "form": form}, status=status
    )


# --- the process catalog ---------------------------------------------------------------------------------


@login_required
@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    """The standard processes, with how much of each runs as active exceptions (in the user's view)."""
    processes = selectors.process_cost_summary(request.user).order_by("name")
    return render(request, "exceptions/process_list.html", {"processes": processes})


@login_required
@require_GET
def process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One process: its current standard, its versions' history, and the active exceptions to it."""
    user = request.user
    process = access.get_visible(user, selectors.processes_for(user), pk=pk)
    versions = list(selectors.versions_of(user, process))
    active = (
        selectors.exceptions_for(user)
        .filter(process=process, status=Status.ACTIVE)
        .order_by("-estimated_monthly_cost")
    )
    context = {
        "process": process,
        "versions": versions,
        "current": next((version for version in versions if version.number == process.version), None),
        "active": list(active[:25]),
        "summary": selectors.similar_summary(process=process),
        "may_change": bool(access.allowed(user, "change", process)),
        # Its owner sees which alike deviations are common enough to become a standard option.
        "candidates": [c for c in selectors.standard_option_candidates(user) if c["process"] == process.pk]
        if process.owner_id == user.pk
        else None,
    }
    return render(request, "exceptions/process_detail.html", context)
