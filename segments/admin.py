"""The admin shows customers read-only with their sensitive fields masked (administrators are masked unless
granted, like everyone), and the access log, grants and break-glass sessions read-only: writes go through
the services (pages and API) so they are checked and audited."""

from django.contrib import admin

from intimacy_ops.admin import ReadOnlyAdmin, SensitiveReadOnlyAdmin
from segments.models import AccessLogEntry, BreakGlassSession, Customer, SensitiveAccessGrant


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


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "customer", "fields", "purpose", "channel"]
    list_filter = ["channel"]
    date_hierarchy = "at"
    list_select_related = ["user", "customer"]


@admin.register(SensitiveAccessGrant)
class SensitiveAccessGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "customer", "purpose", "granted_by", "granted_at", "expires_at", "revoked_at"]
    list_select_related = ["user", "customer", "granted_by"]


@admin.register(BreakGlassSession)
class BreakGlassSessionAdmin(ReadOnlyAdmin):
    list_display = ["user", "customer", "opened_at", "expires_at", "review_outcome", "reviewed_by"]
    list_select_related = ["user", "customer", "reviewed_by"]
