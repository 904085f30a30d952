"""The routing thresholds per region as pages (issue 17, item 6): /exceptions/thresholds/ lists each region's
limits (below all three a request goes to an operations lead, else to the board) and its duration policy;
an administrator, or an operations lead of the region, edits them. Validated per field, audited
(`routing_threshold.set`); a change routes requests submitted from then on: requests already routed and
open reviews keep theirs."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from exceptions import selectors
from exceptions.models import RiskRating
from exceptions.services import routing
from intimacy_ops import access
from intimacy_ops.forms import handle_form

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class ThresholdForm(forms.Form):
    monthly_cost_below = forms.DecimalField(**MONEY, label="Monthly cost below")
    one_off_cost_below = forms.DecimalField(**MONEY, label="One-off cost below")
    risk_below = forms.ChoiceField(choices=RiskRating.choices, label="Risk rating below")
    max_duration_days = forms.IntegerField(min_value=1, max_value=36500, label="Longest duration (days)")
    max_extensions = forms.IntegerField(min_value=0, max_value=100, label="Extensions allowed")


@login_required
@require_GET
def threshold_list(request: HttpRequest) -> HttpResponse:
    thresholds = list(selectors.routing_thresholds_for(request.user).order_by("region__code"))
    rows = [
        {
            "threshold": t,
            "may_change": bool(access.allowed_in_scope(request.user, "set_routing_threshold", t.region)),
        }
        for t in thresholds
    ]
    return render(request, "exceptions/threshold_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def threshold_edit(request: HttpRequest, pk: int) -> HttpResponse:
    threshold = access.get_visible(request.user, selectors.routing_thresholds_for(request.user), pk=pk)
    access.require(request.user, "set_routing_threshold", threshold.region)
    initial = {name: getattr(threshold, name) for name in routing.THRESHOLD_FIELDS}
    form = ThresholdForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(data) -> tuple[str, str]:
        changed = {name: data[name] for name in form.changed_data}
        if changed:
            routing.set_routing_threshold(actor=request.user, region=threshold.region, **changed)
        message = f"The {threshold.region.code} routing threshold is saved; it routes requests submitted from now on."
        return (message if changed else "Nothing changed."), reverse("exceptions:thresholds")

    return handle_form(
        request,
        form,
        act=save,
        page=lambda status: render(
            request, "exceptions/threshold_form.html", {"form": form, "threshold": threshold}, status=status
        ),
    )
