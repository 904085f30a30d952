"""One customer's privacy, from its page (the privacy part does the work: `privacy.services`).

- `/segments/customers/<id>/consent/` — POST: the account manager or a data steward records a
  customer's consent or its withdrawal (audited).
- `/segments/customers/<id>/subject-export/` — POST with a purpose: a data steward downloads
  everything held about the customer as JSON (audited, access-logged).
- `/segments/customers/<id>/break-glass/` — POST: emergency access to the customer's sensitive fields.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from intimacy_ops import access, errors
from intimacy_ops.forms import add_domain_errors
from privacy.forms import BreakGlassForm
from privacy.services import consent, sensitive_access, subject_export
from segments.models import Customer
from segments.privacy import CONSENT_FLAGS
from segments.views.customers import _customer_page


class ConsentForm(forms.Form):
    flag = forms.ChoiceField(choices=[(key, label.capitalize()) for key, (_, label) in CONSENT_FLAGS.items()])
    value = forms.TypedChoiceField(
        choices=[("1", "Given"), ("0", "Withdrawn")], coerce=lambda v: v == "1", empty_value=None
    )
    reason = forms.CharField(
        max_length=500, widget=forms.TextInput(attrs={"placeholder": "e.g. e-mail of 20 Nov"})
    )


@login_required
@require_POST
def customer_consent(request: HttpRequest, pk: int) -> HttpResponse:
    customer = access.get_visible(request.user, Customer, pk=pk)
    access.require(request.user, "change_consent", customer)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        problems = [m for field_errors in form.errors.values() for m in field_errors]
        messages.error(request, "Consent not changed: " + " ".join(problems))
        return redirect("segments:customer-detail", pk=customer.pk)
    data = form.cleaned_data
    try:
        consent.set_consent(
            actor=request.user,
            subject=customer,
            flag=data["flag"],
            value=data["value"],
            reason=data["reason"],
        )
    except errors.ValidationFailed as problem:
        problems = [m for field_errors in problem.fields.values() for m in field_errors] or [problem.message]
        messages.error(request, "Consent not changed: " + " ".join(problems))
    else:
        label = CONSENT_FLAGS[data["flag"]][1]
        state = "given" if data["value"] else "withdrawn"
        messages.success(request, f"Consent to {label} recorded as {state} for {customer.name}.")
    return redirect("segments:customer-detail", pk=customer.pk)


@login_required
@require_POST
def customer_subject_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A data steward downloads everything held about the customer, for the purpose they state."""
    customer = access.get_visible(request.user, Customer, pk=pk)
    try:
        document = subject_export.export_subject(
            actor=request.user, subject=customer, purpose=request.POST.get("purpose", "")
        )
    except errors.ValidationFailed as problem:
        messages.error(
            request, "Nothing exported: " + " ".join(problem.fields.get("purpose", [problem.message]))
        )
        return redirect("segments:customer-detail", pk=customer.pk)
    body = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-export-customer-{customer.pk}.json"'
    return response


@login_required
@require_POST
def customer_break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone who sees the customer opens emergency access to its sensitive fields, justified (stewards told)."""
    customer = access.get_visible(request.user, Customer, pk=pk)
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            session = sensitive_access.open_break_glass(
                actor=request.user,
                subject=customer,
                justification=form.cleaned_data["justification"],
                hours=form.cleaned_data["hours"],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.warning(
                request,
                f"Break-glass open until {session.expires_at:%H:%M} UTC. The data stewards have been told; every look is logged.",
            )
            return redirect("segments:customer-detail", pk=customer.pk)
    return _customer_page(request, pk, break_glass_form=form, status=400)
