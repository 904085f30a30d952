"""Acknowledge several escalations at once (`/escalations/bulk-acknowledge/`, issue 18 "Queues"): tick them on
the list, confirm what will happen, then one result naming each refusal. Each goes through
`services.acknowledge`, as the row's own button does (the rule, the 409 when someone was quicker, the audit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from intimacy_ops import bulk
from intimacy_ops.escalations import selectors, services
from intimacy_ops.escalations.views import escalation_page


@login_required
@require_POST
def bulk_acknowledge(request: HttpRequest) -> HttpResponse:
    form = bulk.SelectionForm(request.POST)
    if not form.is_valid():
        return escalation_page(request, bulk_form=form, status=400)
    ids = form.cleaned_data["ids"]
    rows = selectors.for_bulk(request.user, ids)
    back = reverse("escalations:list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not form.cleaned_data["confirmed"]:
        context = {
            "rows": rows,
            "ids": ids,
            "unknown": len(ids) - len(rows),
            "back": back,
            "page_query": request.GET.urlencode(),
        }
        return render(request, "escalations/bulk_confirm.html", context)
    result = bulk.run(
        rows,
        lambda escalation: services.acknowledge(escalation=escalation, actor=request.user),
        label=lambda escalation: escalation.subject_label,
        verb="acknowledged",
        asked=ids,
    )
    messages.add_message(request, result.level, result.message)
    return redirect(back)
