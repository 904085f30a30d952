"""The confirmation queue (`/feedback/confirm/`): sentiment suggestions below the confidence threshold on the
customers the user may confirm for, oldest first, each confirmed or corrected in place (htmx; keyboard: the
row's buttons, or c / p / u / n on a focused row — static/js/feedback.js). And the customer page's
"log an insight" form (`/feedback/customers/<id>/insight/`, htmx: the feedback card comes back with the item)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from feedback.forms import ConfirmForm, InsightForm
from feedback.models import Source
from feedback.selectors import items as selectors
from feedback.services import items as services
from feedback.templatetags.feedback_tags import customer_feedback_context
from intimacy_ops import access, errors, sensitive
from intimacy_ops.forms import add_domain_errors
from intimacy_ops.pagination import CappedPaginator
from segments.models import Customer

PAGE_SIZE = 20


@login_required
@require_GET
def confirm_queue(request: HttpRequest) -> HttpResponse:
    rows = selectors.to_confirm_for(request.user)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    sensitive.prime(request.user, items)
    for item in items:
        item.shown_text = sensitive.show(request.user, item, "text")
    return render(request, "feedback/queue.html", {"page": page, "items": items})


@login_required
@require_POST
def confirm_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (no sentiment posted) or correct (a sentiment) one suggestion; htmx gets the settled row back."""
    item = selectors.item_for(request.user, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose positive, neutral or negative.", status=400)
    try:
        item = services.confirm_sentiment(
            actor=request.user, item=item, sentiment_label=form.cleaned_data["sentiment"] or None
        )
    except errors.Conflict as conflict:
        return HttpResponse(conflict.message, status=409)
    item = selectors.item_for(request.user, pk)
    item.shown_text = sensitive.show(request.user, item, "text")
    if request.headers.get("HX-Request"):
        return render(request, "feedback/_queue_row.html", {"item": item, "settled": True})
    verb = "Corrected" if item.sentiment_corrected_from else "Confirmed"
    messages.success(request, f"{verb}: {item.get_sentiment_display().lower()}.")
    return redirect("feedback:queue")


@login_required
@require_POST
def log_insight(request: HttpRequest, pk: int) -> HttpResponse:
    """An account manager's insight about a customer, from the customer's page."""
    customer = access.get_visible(request.user, Customer, pk=pk)
    access.require(request.user, "log_feedback", customer)
    form = InsightForm(request.POST)
    logged = None
    if form.is_valid():
        try:
            logged = services.record_item(
                actor=request.user,
                customer=customer,
                source=Source.ACCOUNT_MANAGER_INSIGHT,
                text=form.cleaned_data["text"],
                process=form.cleaned_data["process"],
                actionable=form.cleaned_data["actionable"],
            )
        except errors.ValidationFailed as invalid:
            add_domain_errors(form, invalid)
    if not request.headers.get("HX-Request"):
        if logged:
            messages.success(request, "Insight logged.")
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("segments:customer-detail", pk=customer.pk)
    context = customer_feedback_context(
        request, customer, form=InsightForm() if logged else form, logged=logged
    )
    html = render_to_string("feedback/_customer_feedback.html", context, request=request)
    return HttpResponse(html, status=200 if logged or not form.errors else 400)
