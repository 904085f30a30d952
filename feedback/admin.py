"""Feedback and root-cause analyses, read-only in the admin: writes go through the services (API and pages)
so validation, the lifecycle tables and the audit trail always apply. Feedback text reads `***` unless
`intimacy_ops.sensitive` shows it (logged), as the customer's own sensitive fields do."""

from django.contrib import admin

from feedback.models import CorrectiveAction, FeedbackItem, LoopClosure, RootCauseAnalysis, WhyStep
from intimacy_ops.admin import ReadOnlyAdmin, SensitiveReadOnlyAdmin


@admin.register(FeedbackItem)
class FeedbackItemAdmin(SensitiveReadOnlyAdmin):
    list_display = ["id", "customer", "source", "score", "received_on", "process", "sentiment", "text"]
    list_filter = ["source", "sentiment", "sentiment_confirmed", "actionable"]
    list_select_related = ["customer", "process"]
    fields = [
        "customer",
        "source",
        "score",
        "text",
        "received_on",
        "process",
        "exception",
        "case",
        "actionable",
        "created_by",
        "import_source",
        "external_id",
        "sentiment",
        "sentiment_score",
        "sentiment_confidence",
        "sentiment_rationale",
        "sentiment_machine_suggested",
        "sentiment_needs_confirmation",
        "sentiment_confirmed",
        "sentiment_confirmed_by",
        "sentiment_confirmed_at",
        "sentiment_corrected_from",
        "anonymized_at",
    ]


class WhyInline(admin.TabularInline):
    model = WhyStep
    extra = 0
    can_delete = False
    readonly_fields = ["position", "question", "answer"]

    def has_add_permission(self, request, obj=None):
        return False


class CorrectiveActionInline(admin.TabularInline):
    model = CorrectiveAction
    extra = 0
    can_delete = False
    readonly_fields = ["description", "owner", "due_on", "status", "evidence"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RootCauseAnalysis)
class RootCauseAnalysisAdmin(ReadOnlyAdmin):
    list_display = ["id", "process", "owner", "status", "window_start", "window_end", "created_at"]
    list_filter = ["status", "trigger"]
    list_select_related = ["process", "owner"]
    exclude = ["triggering_items"]
    inlines = [WhyInline, CorrectiveActionInline]


@admin.register(LoopClosure)
class LoopClosureAdmin(ReadOnlyAdmin):
    list_display = ["rca", "audience", "who", "told_on", "channel"]
    list_select_related = ["rca"]
