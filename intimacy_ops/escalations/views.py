"""The escalations page (/escalations/): what is raised to me first, then my regions', by level and age;
acknowledge in place (htmx), resolve after a confirmation with what was done."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import access, errors, lifecycle
from intimacy_ops.escalations import selectors, services
from intimacy_ops.escalations.selectors import STATE_FILTERS, State
from intimacy_ops.forms import add_domain_errors

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


@login_required
@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", State.OPEN)
    if state not in STATE_FILTERS:
        state = State.OPEN
    visible = selectors.escalations_for(request.user)
    counts = visible.order_by().aggregate(
        **{key: Count("id", filter=condition) for key, condition in STATE_FILTERS.items()}
    )
    rows = visible.filter(STATE_FILTERS[state])
    if state == State.RESOLVED:
        rows = rows.order_by("-resolved_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for escalation in page.object_list:
        escalation.actions = _actions(request.user, escalation)
    return render(
        request,
        "escalations/list.html",
        {
            "page": page,
            "state": state,
            "tabs": [{"key": key, "label": STATE_LABELS[key], "count": counts[key]} for key in State.ALL],
            "querystring": f"state={state}",
        },
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
        return render(request, "escalations/_row.html", {"escalation": escalation, "problem": problem})
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
