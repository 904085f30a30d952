"""The SLA matrix (segments × P1–P4) and its editor with the equity guard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from intimacy_ops import access, errors
from segments.forms import (
    SlaPolicyForm,
)
from segments.models import Priority, Segment, SlaPolicy
from segments.selectors import tiers as pages
from segments.services import sla_policies


@login_required
@require_GET
def sla_matrix(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": pages.sla_matrix(),
        "priorities": Priority.choices,
        "manage": pages.may_manage_tiers(request.user),
    }
    return render(request, "segments/sla_matrix.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sla_edit(request: HttpRequest, segment_id: int, priority: str) -> HttpResponse:
    segment = access.get_visible(request.user, Segment, pk=segment_id)
    if priority not in Priority.values:
        raise errors.NotFound("No such priority: use P1, P2, P3 or P4.")
    if not pages.may_change_policy(request.user, segment, priority):
        raise errors.PermissionDenied(
            "Only operations leads change SLA policies; the matrix is yours to read."
        )
    policy = SlaPolicy.objects.filter(segment=segment, priority=priority).first()
    conflicts: list[str] = []
    status = 200
    if request.method == "POST":
        form = SlaPolicyForm(request.POST, policy=policy)
        if form.is_valid():
            try:
                saved = sla_policies.save_policy(
                    actor=request.user,
                    segment=segment,
                    priority=priority,
                    values=form.values(),
                    equity_reason=form.cleaned_data["equity_reason"],
                )
            except errors.ValidationFailed as problem:
                status = 400
                for name, messages_ in problem.fields.items():
                    if name in ("equity_reason", "equity"):
                        conflicts = [
                            m for m in messages_ if not m.startswith(("To save it anyway", "Only an"))
                        ]
                        notes = [m for m in messages_ if m not in conflicts]
                        if form.cleaned_data["equity_reason"].strip() and name == "equity_reason":
                            form.add_error("equity_reason", notes[-1] if notes else problem.message)
                        elif name == "equity":
                            form.add_error(None, " ".join(notes) or problem.message)
                    else:
                        for message in messages_:
                            form.add_error(name if name in form.fields else None, message)
            else:
                label = f"{segment.name} {priority}"
                if saved.equity_exception_reason:
                    messages.warning(
                        request,
                        f"Saved the SLA policy for {label} as a confirmed exception to tier equity: "
                        f"“{saved.equity_exception_reason}”.",
                    )
                else:
                    messages.success(request, f"Saved the SLA policy for {label}.")
                return redirect(f"{reverse('segments:sla')}#cell-{segment.pk}-{priority}")
        else:
            status = 400
    else:
        form = SlaPolicyForm(policy=policy)
    context = {
        "segment": segment,
        "priority": priority,
        "priority_label": Priority(priority).label,
        "policy": policy,
        "form": form,
        "conflicts": conflicts,
        "ask_reason": bool(conflicts) or bool(policy and policy.equity_exception_reason),
        "others": [p for p in pages.same_priority_policies(priority) if p.segment_id != segment.pk],
    }
    return render(request, "segments/sla_edit.html", context, status=status)
