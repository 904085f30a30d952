"""Pages of what happens to an active exception — actual costs booked against it, extensions asked for and
decided — and of a process owner's edits to their process (the catalog). Until now these were API-only.

Each view parses its form, calls one service, and redirects; a service's field errors go back on the form
(the request page or the process form is shown again with them, status 400).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from exceptions import selectors
from exceptions.forms_ledger import CostForm, ExtensionDecisionForm, ExtensionForm, ProcessForm, VersionForm
from exceptions.models import ExceptionRequest, ExtensionRequest
from exceptions.services import catalog, costs, extensions
from intimacy_ops import access, errors, lifecycle
from intimacy_ops.forms import add_domain_errors

Status = ExceptionRequest.Status


def ledger_context(user, exception: ExceptionRequest, forms: dict | None = None) -> dict:
    """What the request page shows and offers about costs and extensions to this user."""
    forms = forms or {}
    history = list(selectors.extensions_of(user, exception))
    active = exception.status == Status.ACTIVE
    waiting = next((ext for ext in history if ext.status == ExtensionRequest.Status.OPEN), None)
    return {
        "extensions": history,
        "may_book_cost": active and bool(access.allowed(user, "record_cost", exception)),
        "may_extend": active
        and waiting is None
        and exception.requested_by_id == user.pk
        and exception.expires_on,
        # The decision form: offered when the extension's lifecycle table lets this user approve it now.
        "extension_to_decide": waiting
        if waiting and "approve" in lifecycle.actions_for(user, waiting)
        else None,
        "cost_form": forms.get("cost_form") or CostForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "extension_decision_form": forms.get("extension_decision_form") or ExtensionDecisionForm(),
    }


def _again(request, exception, **forms) -> HttpResponse:
    from exceptions.views import _detail_page

    return _detail_page(request, exception, forms=forms, status=400)


def _visible_request(user, pk: int) -> ExceptionRequest:
    return access.get_visible(user, selectors.exceptions_for(user), pk=pk)


@login_required
@require_POST
def cost_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Book an actual cost against an active exception."""
    exception = _visible_request(request.user, pk)
    form = CostForm(request.POST)
    if not form.is_valid():
        return _again(request, exception, cost_form=form)
    try:
        entry = costs.record_cost(actor=request.user, exception=exception, **form.cleaned_data)
    except errors.ValidationFailed as problem:
        add_domain_errors(form, problem)
        return _again(request, exception, cost_form=form)
    messages.success(request, f"Booked {entry.amount:,.2f} incurred on {entry.incurred_on:%d %b %Y}.")
    return redirect("exceptions:detail", pk=pk)


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester asks to run an active exception longer."""
    exception = _visible_request(request.user, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _again(request, exception, extension_form=form)
    try:
        extension = extensions.request_extension(actor=request.user, exception=exception, **form.cleaned_data)
    except errors.ValidationFailed as problem:
        add_domain_errors(form, problem)
        return _again(request, exception, extension_form=form)
    who = "the change-control board" if extension.needs_board else "the operations lead"
    messages.success(request, f"Extension until {extension.new_expires_on:%d %b %Y} asked: {who} decides.")
    return redirect("exceptions:detail", pk=pk)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int, extension_pk: int) -> HttpResponse:
    """An operations lead of the region approves or rejects an extension within the region's maximum."""
    exception = _visible_request(request.user, pk)
    extension = access.get_visible(
        request.user, selectors.extensions_of(request.user, exception), pk=extension_pk
    )
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        return _again(request, exception, extension_decision_form=form)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        extensions.decide_extension(
            actor=request.user, extension=extension, approve=approve, comment=form.cleaned_data["comment"]
        )
    except errors.ValidationFailed as problem:
        add_domain_errors(form, problem)
        return _again(request, exception, extension_decision_form=form)
    messages.success(request, "Extension approved: the expiry moved." if approve else "Extension rejected.")
    return redirect("exceptions:detail", pk=pk)


def _owned_process(user, pk: int):
    process = access.get_visible(user, selectors.processes_for(user), pk=pk)
    access.require(user, "change", process)
    return process


@login_required
@require_http_methods(["GET", "POST"])
def process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner (or an administrator) changes a process's name, category, owner, description or proposal line."""
    process = _owned_process(request.user, pk)
    initial = {field: getattr(process, field) for field in catalog.EDITABLE}
    form = ProcessForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {field: form.cleaned_data[field] for field in form.changed_data}
        try:
            if changed:
                catalog.update_process(actor=request.user, process=process, **changed)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Process saved." if changed else "Nothing changed.")
            return redirect("exceptions:process-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "exceptions/process_form.html", {"process": process, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def process_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner publishes the next version of the standard; new requests deviate from it."""
    process = _owned_process(request.user, pk)
    current = catalog.current_version(process)
    initial = {"procedure": current.procedure, "standard_options": "\n".join(current.standard_options)}
    form = VersionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = catalog.publish_version(actor=request.user, process=process, **form.cleaned_data)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, f"Version {version.number} of {process.name} is published.")
            return redirect("exceptions:process-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {"process": process, "form": form, "current": current}
    return render(request, "exceptions/process_publish.html", context, status=status)
