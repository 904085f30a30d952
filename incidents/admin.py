"""Incidents in the admin: goodwill limits per role and tier are set here by administrators; incidents and the
goodwill given are read-only (writes go through the services, so validation, the lifecycle and the audit
trail always apply)."""

from django.contrib import admin

from incidents.models import Goodwill, GoodwillLimit, Incident
from intimacy_ops.admin import ReadOnlyAdmin


@admin.register(GoodwillLimit)
class GoodwillLimitAdmin(admin.ModelAdmin):
    list_display = ["segment", "role", "amount"]
    list_filter = ["role", "segment"]
    list_select_related = ["segment"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "kind", "severity", "status", "started_at", "owner"]
    list_filter = ["status", "kind", "severity"]
    list_select_related = ["owner"]


@admin.register(Goodwill)
class GoodwillAdmin(ReadOnlyAdmin):
    list_display = ["id", "incident", "customer", "kind", "amount", "status", "given_by", "given_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["incident", "customer", "given_by"]
