"""The admin shows customers read-only with their sensitive fields masked (administrators are masked unless
granted, like everyone): writes go through the services (pages and API) so they are checked and audited.
The access log, grants and break-glass sessions are the privacy part's (privacy/admin.py)."""

from django.contrib import admin

from intimacy_ops.admin import SensitiveReadOnlyAdmin
from segments.models import Customer


@admin.register(Customer)
class CustomerAdmin(SensitiveReadOnlyAdmin):
    list_display = ["name", "source", "external_id", "region", "account_manager", "segment", "contact_email"]
    list_filter = ["region", "segment", "segment_locked", "legal_hold"]
    search_fields = ["name", "external_id"]
    list_select_related = ["region", "account_manager", "segment"]
    fields = [
        "name",
        "source",
        "external_id",
        "region",
        "account_manager",
        "segment",
        "segment_locked",
        "annual_revenue",
        "strategic_value",
        "support_complexity",
        "lifetime_value",
        "consent_profiling",
        "consent_sentiment",
        "consent_surveys",
        "legal_hold",
        "contact_email",
        "personal_notes",
    ]
