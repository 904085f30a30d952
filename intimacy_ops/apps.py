from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "intimacy_ops"
    label = "intimacy_ops"
    verbose_name = "Kernel: audit trail and health"

    def ready(self) -> None:
        # Escalations' access rules, ladder check, navigation entry and home card; the notification digest.
        from intimacy_ops.escalations import access_rules, checks, navigation  # noqa: F401
        from intimacy_ops.notifications import checks as notification_checks  # noqa: F401
