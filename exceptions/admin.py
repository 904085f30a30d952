"""Processes, requests and their records, read-only in the admin: writes go through the services (API and pages)
so the transitions table, validation and the audit trail always apply."""

from django.contrib import admin

from exceptions.models import (
    CostEntry,
    ExceptionRequest,
    ExceptionTransition,
    ExtensionRequest,
    Process,
    ProcessVersion,
    RoutingThreshold,
)
from intimacy_ops.admin import ReadOnlyAdmin


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "owner", "version"]
    list_filter = ["category"]
    search_fields = ["name"]
    list_select_related = ["owner"]


@admin.register(ProcessVersion)
class ProcessVersionAdmin(ReadOnlyAdmin):
    list_display = ["process", "number", "effective_on", "published_by"]
    list_select_related = ["process", "published_by"]


@admin.register(RoutingThreshold)
class RoutingThresholdAdmin(ReadOnlyAdmin):
    list_display = ["region", "monthly_cost_below", "one_off_cost_below", "risk_below", "max_duration_days"]
    list_select_related = ["region"]


@admin.register(ExceptionRequest)
class ExceptionRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "customer",
        "process",
        "status",
        "route",
        "requested_by",
        "starts_on",
        "expires_on",
    ]
    list_filter = ["status", "route", "kind", "risk_rating"]
    search_fields = ["title"]
    list_select_related = ["customer", "process", "requested_by"]


@admin.register(ExceptionTransition)
class ExceptionTransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "exception", "action", "from_status", "to_status", "actor", "authority"]
    list_filter = ["action", "authority"]
    list_select_related = ["exception", "actor"]


@admin.register(CostEntry)
class CostEntryAdmin(ReadOnlyAdmin):
    list_display = ["incurred_on", "exception", "amount", "recorded_by"]
    list_select_related = ["exception", "recorded_by"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["exception", "new_expires_on", "status", "needs_board", "requested_by"]
    list_select_related = ["exception", "requested_by"]
