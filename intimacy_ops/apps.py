from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "intimacy_ops"
    label = "intimacy_ops"
    verbose_name = "Kernel: audit trail and health"

    def ready(self) -> None:
        # Every app's (and kernel part's) access_rules, lifecycles, checks, navigation, home_cards,
        # dashboard, privacy, demo, imports and search modules register themselves on import
        # (intimacy_ops/discovery.py).
        from intimacy_ops import discovery

        discovery.autodiscover()

        # The outbox's alerts outlive a rollback: written once the HTTP request or Celery task is over.
        from celery.signals import task_postrun
        from django.core.signals import request_finished, request_started

        from intimacy_ops.notifications import outbox

        request_started.connect(outbox.forget, dispatch_uid="outbox-forget")
        request_finished.connect(outbox.flush, dispatch_uid="outbox-flush")
        task_postrun.connect(outbox.flush, dispatch_uid="outbox-flush-after-task")
