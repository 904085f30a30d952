"""The access log, grants and break-glass sessions read-only in the admin: writes go through the services
(pages and API) so they are checked and audited."""

from django.contrib import admin

from intimacy_ops.admin import ReadOnlyAdmin
from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "subject", "fields", "purpose", "channel"]
    list_filter = ["channel", "subject_type"]
    date_hierarchy = "at"
    list_select_related = ["user"]


@admin.register(SensitiveAccessGrant)
class SensitiveAccessGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "subject", "purpose", "granted_by", "granted_at", "expires_at", "revoked_at"]
    list_select_related = ["user", "granted_by"]


@admin.register(BreakGlassSession)
class BreakGlassSessionAdmin(ReadOnlyAdmin):
    list_display = ["user", "subject", "opened_at", "expires_at", "review_outcome", "reviewed_by"]
    list_select_related = ["user", "reviewed_by"]
