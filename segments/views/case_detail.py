"""One service case's page (issue 18, defect 7): its customer, its SLA clock (response and resolution due, met
or late, paused while it waits on the customer) and the steps its lifecycle allows this person now (record the
first response, wait on the customer, resume, resolve: segments/lifecycles.py). Escalations and update
reminders about a case link here. Outside the person's regions: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from intimacy_ops import access, errors, lifecycle
from segments.case_rows import case_row, human_minutes
from segments.models import ServiceCase
from segments.selectors.cases import open_wait
from segments.services import sla

STEPS = {
    "respond": (sla.record_first_response, "First response recorded: the response clock stops."),
    "wait_on_customer": (sla.start_waiting, "The case waits on the customer: the SLA clock is paused."),
    "resume": (sla.stop_waiting, "The customer answered: the SLA clock runs again."),
    "resolve": (sla.resolve_case, "The case is resolved."),
}


def _case(user, pk: int) -> ServiceCase:
    cases = ServiceCase.objects.select_related(
        "customer__region", "customer__segment", "customer__account_manager"
    ).annotate(waiting_now=Exists(open_wait()))
    return access.get_visible(user, cases, pk=pk)


def _page(request: HttpRequest, case: ServiceCase, *, status: int = 200, problem: str = "") -> HttpResponse:
    table = lifecycle.table_of(case)
    policy = sla.policy_for(case)
    may = access.allowed_in_scope(request.user, "change", case)
    allowed = set(lifecycle.actions_for(request.user, case))
    context = {
        "case": case,
        "row": case_row(case),
        "state": table.state(case),
        "steps": [
            (action, row.label) for action, row in table.rows.items() if action in allowed
        ],  # table order
        "refusal": "" if may else may.reason,
        "policy": policy,
        "targets": (
            (human_minutes(policy.first_response_minutes), human_minutes(policy.resolution_minutes))
            if policy
            else None
        ),
        "waits": list(case.waiting.order_by("started_at")),
        "problem": problem,
    }
    return render(request, "segments/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _case(request.user, pk))


@login_required
@require_POST
def case_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one step of the case's lifecycle (the page's buttons): 403 for who may not, 409 for a step the
    case's state does not allow now, 400 for no such step."""
    case = _case(request.user, pk)
    access.require(request.user, "change", case)
    step = STEPS.get(request.POST.get("action", ""))
    if step is None:
        return _page(request, case, status=400, problem=f"Choose one of: {', '.join(STEPS)}.")
    service, message = step
    try:
        service(actor=request.user, case=case)
    except errors.ValidationFailed as failed:
        return _page(request, _case(request.user, pk), status=400, problem=failed.message)
    messages.success(request, message)
    return redirect("segments:case-detail", pk=pk)
