"""`/segments/customers/export.csv` — the customer list with the list page's filters, streamed through
`intimacy_ops.exports`: sensitive columns through `intimacy_ops.sensitive` (value or "***"), one access-log
row per customer shown unmasked (channel "export"), one audit event for the export.

Consent, break-glass and the data subject's export of one customer: `customer_privacy.py`.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from intimacy_ops import exports
from segments.views.customers import customer_listing

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
SENSITIVE_COLUMNS = [(name, lambda c: c, name) for name in ("contact_email", "personal_notes")]


@login_required
@require_GET
def customer_export_csv(request: HttpRequest) -> HttpResponse:
    """The customer list as CSV, with the same filters and order as the list page (a bad filter: 400)."""
    listing = customer_listing(request)
    return exports.listing_csv(
        request,
        listing,
        columns=CSV_COLUMNS,
        sensitive_columns=SENSITIVE_COLUMNS,
        what="customers",
        object_type="segments.customer",
    )
