"""Change-control boards and the rules they enforce (DESIGN.md, "governance/")."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Change-control boards and reviews"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from exceptions import hooks
        from governance import services
        from governance.services import reviews

        # exceptions never imports governance: it asks for a board review through hooks it owns.
        hooks.register_board_router(services.request_review)
        hooks.register_extension_router(services.request_extension_review)
        hooks.register_withdrawal_listener(services.withdraw_review)
        # An administrators' alert raised in a transaction that rolled back is written once the request is over.
        request_started.connect(reviews.forget_pending_alerts, dispatch_uid="governance-forget-alerts")
        request_finished.connect(reviews.send_pending_alerts, dispatch_uid="governance-send-alerts")
        # …and once a Celery task is over (its transaction too), for work done by the worker.
        from celery.signals import task_postrun

        task_postrun.connect(reviews.send_pending_alerts, dispatch_uid="governance-send-alerts-after-task")
