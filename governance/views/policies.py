"""Pages of governance: threshold policies (“standardize or sunset”) and the proposals they opened.

- /governance/policies/: the policies with their lines and open reviews, "Evaluate now" for those who keep
  them, and the open standardization and sunset proposals;
- /governance/policies/new/, /<id>/edit/, /<id>/deactivate/ (with a confirmation) for chairs, operations
  leads and administrators;
- /governance/policies/proposals/<id>/: one proposal, what crossed which line, the impact and what it covers.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exceptions.models import Process
from governance.models import ThresholdPolicy
from governance.selectors import policies as selectors
from governance.services import evaluation
from governance.services import policies as services
from intimacy_ops import access, errors
from intimacy_ops.forms import add_domain_errors
from segments.models import Segment

PAGE_SIZE = 25
SESSION_KEY = "threshold_policy_evaluation"


class PolicyForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name")
    scope = forms.ChoiceField(
        choices=ThresholdPolicy.Scope.choices,
        label="Scope",
        help_text="One process; the customers of one segment (a budget for a tier); or every process.",
    )
    process = forms.ModelChoiceField(
        queryset=Process.objects.order_by("name"),
        required=False,
        empty_label="— no process —",
        label="Process",
        help_text="Process scope only.",
    )
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.order_by("rank"),
        required=False,
        empty_label="— no segment —",
        label="Segment",
        help_text="Segment scope only: an exception budget for a tier.",
    )
    max_active_exceptions = forms.IntegerField(
        required=False,
        min_value=0,
        label="Maximum active exceptions",
        help_text="More than this on one process → a sunset proposal.",
    )
    max_monthly_cost = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        label="Maximum monthly cost",
        help_text="Their estimated monthly cost above this → a sunset proposal.",
    )
    max_age_days = forms.IntegerField(
        required=False,
        min_value=0,
        label="Maximum age (days)",
        help_text="Started longer ago than this → a sunset proposal.",
    )
    min_similar_customers = forms.IntegerField(
        required=False,
        min_value=1,
        label="Minimum similar customers",
        help_text="This many customers share one deviation (tag) on a process → a standardization proposal.",
    )
    sunset_lead_days = forms.IntegerField(
        required=False,
        min_value=0,
        label="Sunset lead time (days)",
        help_text="An exception expires within this many days → a sunset review of it.",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active: evaluated every hour")

    LIMIT_FIELDS = services.LIMITS

    def limit_fields(self):
        return [self[name] for name in self.LIMIT_FIELDS]


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, switch this policy off", error_messages={"required": "Tick the box to confirm."}
    )


def _require_keeper(user) -> None:
    access.require(user, "manage", ThresholdPolicy)


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    """The threshold policies and the open proposals they opened."""
    user = request.user
    access.require(user, "view", ThresholdPolicy)
    policies_page = Paginator(selectors.policies_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    proposals_page = Paginator(selectors.open_proposals_for(user), PAGE_SIZE).get_page(
        request.GET.get("proposals")
    )
    context = {
        "page": policies_page,
        "proposals": proposals_page,
        "may_manage": bool(access.allowed(user, "manage", ThresholdPolicy)),
        "evaluation": request.session.pop(SESSION_KEY, None),
        "today": timezone.localdate(),
    }
    return render(request, "governance/policy_list.html", context)


def _save(request: HttpRequest, policy: ThresholdPolicy | None) -> HttpResponse:
    _require_keeper(request.user)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                if policy is None:
                    saved = services.create_policy(actor=request.user, **values)
                    messages.success(request, f"Policy “{saved.name}” saved: it is evaluated every hour.")
                else:
                    saved = services.update_policy(actor=request.user, policy=policy, **values)
                    messages.success(request, f"Policy “{saved.name}” changed.")
                return redirect("governance:policies")
            except errors.ValidationFailed as problem:
                add_domain_errors(form, problem)
    elif policy is None:
        form = PolicyForm(initial={"scope": ThresholdPolicy.Scope.GLOBAL, "is_active": True})
    else:
        form = PolicyForm(
            initial={
                name: getattr(policy, name)
                for name in ("name", "scope", "process", "segment", "is_active", *services.LIMITS)
            }
        )
    return render(request, "governance/policy_form.html", {"form": form, "policy": policy})


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = access.get_visible(request.user, ThresholdPolicy, pk=pk)
    return _save(request, policy)


@login_required
@require_http_methods(["GET", "POST"])
def policy_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a policy off, after a confirmation."""
    policy = access.get_visible(request.user, ThresholdPolicy, pk=pk)
    _require_keeper(request.user)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.deactivate_policy(actor=request.user, policy=policy)
        messages.success(request, f"Policy “{policy.name}” is off: it opens nothing more.")
        return redirect("governance:policies")
    return render(request, "governance/policy_deactivate.html", {"form": form, "policy": policy})


@login_required
@require_POST
def policy_evaluate(request: HttpRequest) -> HttpResponse:
    """Evaluate every active policy now; the list shows what it opened."""
    _require_keeper(request.user)
    summary = evaluation.evaluate_threshold_policies()
    request.session[SESSION_KEY] = summary.as_dict()
    messages.success(request, f"Evaluated {summary}.")
    return redirect("governance:policies")


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One standardization or sunset proposal: the line crossed, the impact, the exceptions it covers."""
    review = access.get_visible(request.user, selectors.proposals_for(request.user), pk=pk)
    covered = selectors.covered_by(request.user, review)
    hidden = review.covered.count() - covered.count()
    return render(
        request,
        "governance/policy_proposal.html",
        {"review": review, "covered": covered, "hidden": hidden, "review_page": review.get_absolute_url()},
    )
