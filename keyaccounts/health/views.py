"""Health reviews in the browser (issue 20, item 2): the list with the capacity view (filters shared with the API,
sortable, paginated), a review's page (the period's facts, the completion form with its actions, cancelling
after a confirmation) and the cadence per tier.

A POST asks the lifecycle first (409 when the review is no longer open, 403 when it is not yours to act on),
then reads the form; bad input comes back on the same page with its errors (400, nothing changed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import access, errors, lifecycle, listing
from intimacy_ops.forms import add_domain_errors
from keyaccounts.health import cadence, facts, forms, selectors, services
from keyaccounts.health.filters import ORDERING_FIELDS, HealthReviewFilter, per_week
from keyaccounts.models import HealthReview, HealthReviewCadence
from segments.models import Segment

PAGE_SIZE = 25
BAR = ["status", "due", "account_manager", "due_after", "due_before"]
COLUMNS = [
    ("due_on", "Due", ""),
    ("customer__name", "Customer", ""),
    ("period", "Period", ""),
    ("status", "Status", ""),
]


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    found = listing.read(
        request,
        HealthReviewFilter,
        selectors.reviews_for(user),
        orderings=listing.orderings_of(ORDERING_FIELDS),
        default="due_on",
    )
    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "listing": found,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "headers": listing.sort_headers(request, COLUMNS, found.ordering),
        "querystring": listing.querystring(request),
        "capacity": selectors.capacity(user),
        "weeks": selectors.weeks(),
        "per_week": per_week(),
        "may_set_cadence": bool(access.allowed(user, "change", HealthReviewCadence)),
        "today": timezone.localdate(),
    }
    return render(request, "keyaccounts/health/list.html", context, status=found.status)


def _page(request, review: HealthReview, *, status: int = 200, **forms_given) -> HttpResponse:
    user = request.user
    shown, frozen = facts.of(user, review)
    steps = lifecycle.actions_for(user, review)
    context = {
        "review": review,
        "facts": shown,
        "frozen": frozen,
        "actions": selectors.actions_of(review),
        "may_complete": "complete" in steps,
        "may_cancel": "cancel" in steps,
        "form": forms_given.get("form") or forms.CompleteForm(),
        "formset": forms_given.get("formset") or forms.action_formset(user=user),
        "capacity": selectors.capacity(user, manager=review.account_manager)
        if review.account_manager
        else [],
        "weeks": selectors.weeks(),
    }
    return render(request, "keyaccounts/health/detail.html", context, status=status)


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.review_for_page(request.user, pk))


@login_required
@require_POST
def review_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """The account manager held the review: notes, the actions agreed, the next date."""
    review = selectors.review_for_page(request.user, pk)
    lifecycle.check(review, "complete", actor=request.user)
    form = forms.CompleteForm(request.POST)
    formset = forms.action_formset(request.POST, user=request.user)
    if form.is_valid() and formset.is_valid():
        try:
            services.complete(
                review=review,
                actor=request.user,
                notes=form.cleaned_data["notes"],
                next_on=form.cleaned_data["next_date"],
                actions=forms.agreed_actions(formset),
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, f"Health review {review.period} of {review.customer.name} completed.")
            return redirect("keyaccounts:health-review", pk=review.pk)
    return _page(request, review, status=400, form=form, formset=formset)


@login_required
@require_http_methods(["GET", "POST"])
def review_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a review that will not be held, with a reason, after a confirmation page."""
    review = selectors.review_for_page(request.user, pk)
    lifecycle.check(review, "cancel", actor=request.user)
    form = forms.CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.cancel(review=review, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Health review {review.period} of {review.customer.name} cancelled.")
        return redirect("keyaccounts:health-review", pk=review.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "keyaccounts/health/cancel.html", {"review": review, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cadence_page(request: HttpRequest) -> HttpResponse:
    """Every tier's cadence; operations leads and administrators change one (a POST names `segment`)."""
    user = request.user
    may_change = bool(access.allowed(user, "change", HealthReviewCadence))
    form, failed, status = None, None, 200
    if request.method == "POST":
        access.require(user, "change", HealthReviewCadence)
        segment = (
            Segment.objects.filter(pk=request.POST.get("segment") or 0).first()
            if (str(request.POST.get("segment", "")).isdigit())
            else None
        )
        form = forms.CadenceForm(request.POST)
        if segment is None:
            form.add_error(None, "Choose a tier.")
        if segment is not None and form.is_valid():
            try:
                services.set_cadence(
                    segment=segment, every_months=form.cleaned_data["every_months"], actor=user
                )
            except errors.ValidationFailed as problem:
                add_domain_errors(form, problem)
            else:
                label = cadence.label_of(form.cleaned_data["every_months"]).lower()
                messages.success(request, f"{segment.name}: reviewed {label} from the next run of the check.")
                return redirect("keyaccounts:health-cadence")
        failed, status = (segment.pk if segment else None), 400
    rows = [
        {
            **row,
            "label": cadence.label_of(row["every_months"]),
            "form": form
            if failed == row["segment"].pk
            else forms.CadenceForm(initial={"every_months": row["every_months"] or ""}),
        }
        for row in cadence.cadences()
    ]
    context = {
        "rows": rows,
        "may_change": may_change,
        "error_form": form if status == 400 else None,
        "per_week": per_week(),
    }
    return render(request, "keyaccounts/health/cadence.html", context, status=status)
