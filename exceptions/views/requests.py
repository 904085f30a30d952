"""The request's pages under /exceptions/ (a lead's "waiting for me": views/waiting.py; the list: views/lists.py): the request form with
autosave and the similar requests panel, the review before submit, and the acts on a request (submit, a
lead's decision, withdraw). The request page itself is views/detail.py.

Each view parses its input, calls one selector or service, and renders. Domain errors a service raises
become the 403/404/409 pages of the layout (intimacy_ops.middleware) unless a form field is the better
place to say it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exceptions import selectors
from exceptions.forms import DecisionForm, ExceptionRequestForm, WithdrawForm, initial_from
from exceptions.lifecycles import actions_for
from exceptions.models import ExceptionRequest, Process
from exceptions.services import lifecycle
from exceptions.services import requests as request_services
from exceptions.services.routing import is_below_threshold
from exceptions.views.detail import detail_page, get_request
from intimacy_ops import access, errors
from intimacy_ops import lifecycle as engine
from intimacy_ops.forms import handle_form
from segments.models import Customer

PAGE_SIZE = 25
# A lead's decision, as the message after it reads ("… is approved.").
DECIDED = {
    "approved": "approved",
    "rejected": "rejected",
    "changes_requested": "returned to its requester for changes",
}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


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
    exception = get_request(user, pk)
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
    access.require(user, "create", ExceptionRequest)
    if request.method == "GET":
        initial = {}
        if str(request.GET.get("copy", "")).isdigit():  # "copy this request": a new draft starting from it
            original = get_request(user, int(request.GET["copy"]))
            initial = {**initial_from(original), "title": f"Copy of {original.title}"[:200]}
            initial.pop("starts_on", None), initial.pop("expires_on", None)
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
        lifecycle.update_request(actor=user, exception=exception, **form.values())
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
    access.require(user, "create", ExceptionRequest)
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
                lifecycle.update_request(actor=user, exception=exception, **values)
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


def similar_for_customer(user, process, customer) -> int:
    """The active ones of the chosen customer itself, which the panel does not list."""
    if customer is None:
        return 0
    return selectors.exceptions_for(user).filter(process=process, customer=customer, status="active").count()


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
        "out_of_view": selectors.out_of_view_count(
            user, ExceptionRequest.objects.filter(process=process, status="active")
        ),
        "this_customer": similar_for_customer(user, process, customer),
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
    exception = get_request(request.user, pk)
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
    exception = get_request(request.user, pk)
    exception = lifecycle.submit_request(
        exception=exception, actor=request.user, comment=request.POST.get("comment", "").strip()
    )
    waits_for = (
        "the change-control board"
        if exception.status == ExceptionRequest.Status.UNDER_REVIEW
        else "the operations lead of its region"
    )
    messages.success(request, f"{exception.title} is submitted: it waits for {waits_for}.")
    return redirect("exceptions:detail", pk=pk)


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """An operations lead approves, rejects or returns a request routed to them."""
    exception = get_request(request.user, pk)
    form = DecisionForm(request.POST)

    def decide(data) -> tuple[str, str]:
        decided = lifecycle.decide_request(
            exception=exception, actor=request.user, action=data["action"], comment=data["comment"]
        )
        return (
            f"{decided.title} is {DECIDED.get(decided.status, decided.get_status_display().lower())}.",
            reverse("exceptions:detail", args=[pk]),
        )

    return handle_form(
        request,
        form,
        act=decide,
        page=lambda status: detail_page(request, exception, decision_form=form, status=status),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdrawing asks first: a confirmation page, then the act."""
    exception = get_request(request.user, pk)
    if "withdraw" not in actions_for(request.user, exception):
        engine.check(exception, "withdraw", actor=request.user)  # 409 or 403, saying why
    form = WithdrawForm(request.POST if request.method == "POST" else None)

    def withdraw(data) -> tuple[str, str]:
        lifecycle.withdraw_request(exception=exception, actor=request.user, comment=data["comment"])
        return f"{exception.title} is withdrawn.", reverse("exceptions:detail", args=[pk])

    return handle_form(
        request,
        form,
        act=withdraw,
        page=lambda status: render(
            request, "exceptions/withdraw_confirm.html", {"exception": exception, "form": form}, status=status
        ),
    )
