from django.contrib import admin

from intimacy_ops import sensitive
from intimacy_ops.audit import AuditEvent
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.health import Heartbeat
from intimacy_ops.notifications.models import EmailDeadLetter


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SensitiveReadOnlyAdmin(ReadOnlyAdmin):
    """Read-only, and every sensitive field reads "***" unless `intimacy_ops.sensitive` shows it (logged).

    List `sensitive_fields` in `list_display`/`fields` by name; they are swapped for per-request displays.
    Never put a sensitive field in search_fields, list_filter or ordering (the matches would reveal it).
    """

    def _shown(self, request, name: str):
        def display(obj):
            return sensitive.show(request.user, obj, name)

        display.__name__ = f"shown_{name}"
        display.short_description = f"{name.replace('_', ' ')} ({sensitive.tier(self.model, name)})"
        return display

    def _swap(self, request, names):
        hidden = set(sensitive.sensitive_fields(self.model))
        return [self._shown(request, name) if name in hidden else name for name in names]

    def get_list_display(self, request):
        return self._swap(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._swap(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_results(self, request, queryset, search_term):
        sensitive.refuse_masked_query(request.user, self.model, {"q": search_term}, search_param="q")
        return super().get_search_results(request, queryset, search_term)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "actor_username", "verb", "object_type", "object_id", "object_repr"]
    list_filter = ["verb", "object_type"]
    search_fields = ["actor_username", "object_repr", "comment", "request_id", "object_id"]
    date_hierarchy = "at"
    list_select_related = False


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_run_at", "hostname", "runs"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    """Escalations are acknowledged and resolved on /escalations/ or the API (audited), never edited here."""

    list_display = [
        "id",
        "reason",
        "subject_label",
        "level",
        "target_role",
        "target_user",
        "region",
        "raised_at",
        "acknowledged_at",
        "resolved_at",
    ]
    list_filter = ["reason", "level", "region"]
    search_fields = ["subject_label", "reason"]
    list_select_related = ["target_user", "region"]
    date_hierarchy = "raised_at"


@admin.register(EmailDeadLetter)
class EmailDeadLetterAdmin(ReadOnlyAdmin):
    """E-mails the mail server refused after every retry; the in-app notifications were kept."""

    list_display = ["failed_at", "address", "subject", "attempts", "error"]
    search_fields = ["address", "subject"]
    date_hierarchy = "failed_at"
