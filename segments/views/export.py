"""`/segments/customers/export.csv` — the customer list with the list page's filters, streamed;
sensitive columns through `intimacy_ops.sensitive` (value or "***"), one access-log row per
customer shown unmasked (channel "export"), one audit event for the export.

Consent, break-glass and the data subject's export of one customer: `customer_privacy.py`.
"""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from intimacy_ops import audit, sensitive, spreadsheet
from segments.forms import CustomerFilterForm
from segments.models import Customer
from segments.selectors import customers as pages

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


def _cell(value):
    """Consent flags read yes/no; the writer makes formula-like text inert (CSV injection)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _csv_rows(user, queryset):
    """The header, then one line per customer; access-log rows written per chunk, before it is sent."""
    writer = spreadsheet.CsvWriter()
    yield writer.header([name for name, _ in CSV_COLUMNS] + SENSITIVE_COLUMNS)
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
        writer.row(
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
