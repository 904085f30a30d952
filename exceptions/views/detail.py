"""The request page: its facts, timeline, who it waits for, the actions this user may take, and what happens
to an active exception (actual costs booked, extensions asked for and decided). Shared by every view that
shows the page again with a form's errors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from exceptions import hooks, selectors
from exceptions.forms import CostForm, DecisionForm, ExtensionDecisionForm, ExtensionForm
from exceptions.lifecycles import actions_for
from exceptions.models import ExceptionRequest, ExtensionRequest
from exceptions.services import lifecycle
from intimacy_ops import access
from intimacy_ops import lifecycle as engine

Status = ExceptionRequest.Status


def get_request(user, pk: int) -> ExceptionRequest:
    """The request this user may see (404 otherwise, no existence leak)."""
    return access.get_visible(user, selectors.exceptions_for(user), pk=pk)


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


def ledger_context(user, exception: ExceptionRequest, forms: dict | None = None) -> dict:
    """What the request page shows and offers about costs and extensions to this user."""
    forms = forms or {}
    history = list(selectors.extensions_of(user, exception))
    active = exception.status == Status.ACTIVE
    waiting = next((ext for ext in history if ext.status == ExtensionRequest.Status.OPEN), None)
    return {
        "extensions": history,
        "may_book_cost": active and bool(access.allowed(user, "record_cost", exception)),
        # "Copy this request": a new draft of one's own starting from it (issue 18, defect 7).
        "may_copy": exception.status != Status.DRAFT
        and bool(access.allowed(user, "create", ExceptionRequest)),
        "may_extend": active
        and waiting is None
        and exception.requested_by_id == user.pk
        and exception.expires_on,
        # The decision form: offered when the extension's lifecycle table lets this user approve it now.
        "extension_to_decide": waiting
        if waiting and "approve" in engine.actions_for(user, waiting)
        else None,
        "cost_form": forms.get("cost_form") or CostForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "extension_decision_form": forms.get("extension_decision_form") or ExtensionDecisionForm(),
    }


def detail_page(request, exception, *, decision_form=None, forms=None, status=200) -> HttpResponse:
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
        "approvers": selectors.approvers(exception)
        if exception.route == ExceptionRequest.Route.LEAD
        and exception.status in (Status.SUBMITTED, Status.UNDER_REVIEW)
        else [],
        **ledger_context(user, exception, forms),
        "more_buttons": hooks.request_buttons(user, exception),  # governance: Sunset…, Revoke…
    }
    return render(request, "exceptions/request_detail.html", context, status=status)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, get_request(request.user, pk))
