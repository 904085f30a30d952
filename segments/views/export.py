"""Customer data leaving the app or changing hands: the list as CSV, consent, a data subject's export.

- `/segments/customers/export.csv` — the customer list with the list page's filters, streamed;
  sensitive columns through `intimacy_ops.sensitive` (value or "***"), one access-log row per
  customer shown unmasked (channel "export"), one audit event for the export.
- `/segments/customers/<id>/consent/` — POST: the account manager or a data steward records a
  customer's consent or its withdrawal (audited).
- `/segments/customers/<id>/subject-export/` — POST with a purpose: a data steward downloads
  everything held about the customer as JSON (audited, access-logged).
"""

import csv
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from intimacy_ops import access, audit, errors, sensitive
from segments.consent import FLAGS
from segments.forms import CustomerFilterForm
from segments.models import Customer
from segments.selectors import customers as pages
from segments.services import consent as consent_services
from segments.services import subject_export

CHUNK = 500
CSV_COLUMNS = [
    # header, how to read it from a customer of `pages.customers()`
    ("id", lambda c: c.pk),
    ("source", lambda c: c.source),
    ("external_id", lambda c: c.external_id),
    ("name", lambda c: c.name),
    ("region", lambda c: c.region.code),
    ("account_manager", lambda c: c.account_manager.username if c.account_manager else ""),
    ("segment", lambda c: c.segment.name if c.segment else ""),
    ("annual_revenue", lambda c: c.annual_revenue),
    ("strategic_value", lambda c: c.strategic_value),
    ("support_complexity", lambda c: c.support_complexity),
    ("lifetime_value", lambda c: c.lifetime_value),
    ("open_cases", lambda c: c.open_cases),
    ("consent_profiling", lambda c: c.consent_profiling),
    ("consent_sentiment", lambda c: c.consent_sentiment),
    ("consent_surveys", lambda c: c.consent_surveys),
]
SENSITIVE_COLUMNS = ["contact_email", "personal_notes"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value):
    """Text a spreadsheet would run as a formula starts with a quote instead (CSV injection)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_rows(user, queryset):
    """The header, then one line per customer; access-log rows written per chunk, before it is sent."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([name for name, _ in CSV_COLUMNS] + SENSITIVE_COLUMNS)
    with sensitive.recording(channel=sensitive.EXPORT):
        chunk: list[Customer] = []
        for customer in queryset.iterator(chunk_size=CHUNK):
            chunk.append(customer)
            if len(chunk) == CHUNK:
                yield _chunk(writer, user, chunk)
                chunk = []
        if chunk:
            yield _chunk(writer, user, chunk)


def _chunk(writer, user, customers: list[Customer]) -> str:
    sensitive.prime(user, customers)  # the user's grants for the whole chunk in one query
    lines = [
        writer.writerow(
            [_cell(read(customer)) for _, read in CSV_COLUMNS]
            + [_cell(sensitive.show(user, customer, name)) for name in SENSITIVE_COLUMNS]
        )
        for customer in customers
    ]
    sensitive.flush()  # one access-log row per customer shown unmasked, before the lines leave
    return "".join(lines)


@login_required
@require_GET
def customer_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The customer list as CSV, with the same filters and order as the list page."""
    user = request.user
    filters = CustomerFilterForm(request.GET, user=user).filters()
    queryset = pages.customers(user, **filters)
    described = {
        key: (getattr(value, "code", None) or getattr(value, "username", None) or str(value))
        for key, value in filters.items()
        if value not in (None, "", False)
    }
    with transaction.atomic():
        audit.record(
            actor=user,
            verb="customers.exported",
            object_type="segments.customer",
            object_id="list",
            after={"format": "csv", "filters": described, "rows": queryset.count()},
        )
    response = StreamingHttpResponse(_csv_rows(user, queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    return response


class ConsentForm(forms.Form):
    flag = forms.ChoiceField(choices=[(key, label.capitalize()) for key, (_, label) in FLAGS.items()])
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
        consent_services.set_consent(
            actor=request.user,
            customer=customer,
            flag=data["flag"],
            value=data["value"],
            reason=data["reason"],
        )
    except errors.ValidationFailed as problem:
        problems = [m for field_errors in problem.fields.values() for m in field_errors] or [problem.message]
        messages.error(request, "Consent not changed: " + " ".join(problems))
    else:
        label = FLAGS[data["flag"]][1]
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
            actor=request.user, customer=customer, purpose=request.POST.get("purpose", "")
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
