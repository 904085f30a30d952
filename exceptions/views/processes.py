"""The process catalog under /exceptions/processes/: the standard processes and what runs as exceptions to
each; a process's page with its versions; its owner's (or an administrator's) edit and "publish a new
version"."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from exceptions import hooks, selectors
from exceptions.forms import ProcessForm, VersionForm
from exceptions.models import ExceptionRequest
from exceptions.services import catalog, standard
from intimacy_ops import access
from intimacy_ops.forms import handle_form

Status = ExceptionRequest.Status


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
    current = next((version for version in versions if version.number == process.version), None)
    context = {
        "process": process,
        "versions": versions,
        "current": current,
        "options": standard.option_usage(process.pk, current.standard_options if current else []),
        "pending": next((version for version in versions if version.status == version.Status.PENDING), None),
        "active": list(active[:25]),
        "summary": selectors.similar_summary(process=process),
        "may_change": bool(access.allowed(user, "change", process)),
        "selection_actions": hooks.selection_actions(user, active, f"process={process.pk}&status=active"),
        # Its owner sees which alike deviations are common enough to become a standard option.
        "candidates": [c for c in selectors.standard_option_candidates(user) if c["process"] == process.pk]
        if process.owner_id == user.pk
        else None,
    }
    return render(request, "exceptions/process_detail.html", context)


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
    may_control = bool(access.allowed(request.user, "control", process))
    form = ProcessForm(
        request.POST if request.method == "POST" else None, initial=initial, may_control=may_control
    )

    def save(data) -> tuple[str, str]:
        changed = {field: data[field] for field in form.changed_data}
        if changed:
            catalog.update_process(actor=request.user, process=process, **changed)
        return ("Process saved." if changed else "Nothing changed."), reverse(
            "exceptions:process-detail", args=[pk]
        )

    return handle_form(
        request,
        form,
        act=save,
        page=lambda status: render(
            request, "exceptions/process_form.html", {"process": process, "form": form}, status=status
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def process_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner publishes the next version of the standard; new requests deviate from it."""
    process = _owned_process(request.user, pk)
    current = catalog.current_version(process)
    initial = {"procedure": current.procedure, "standard_options": "\n".join(current.standard_options)}
    form = VersionForm(request.POST if request.method == "POST" else None, initial=initial)

    def publish(data) -> tuple[str, str]:
        version = catalog.publish_version(actor=request.user, process=process, **data)
        if version.status == version.Status.PENDING:
            review = version.standard_change.review
            message = (
                f"Version {version.number} of {process.name} is pending: {review.board.name} reviews it."
            )
            return message, review.get_absolute_url()
        message = f"Version {version.number} of {process.name} is published."
        return message, reverse("exceptions:process-detail", args=[pk])

    context = {"process": process, "form": form, "current": current}
    return handle_form(
        request,
        form,
        act=publish,
        page=lambda status: render(request, "exceptions/process_publish.html", context, status=status),
    )
