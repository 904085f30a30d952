"""Standard processes and requests to deviate from them (DESIGN.md, "exceptions/")."""

from django.apps import AppConfig


class ExceptionsConfig(AppConfig):
    name = "exceptions"
    verbose_name = "Processes and exception requests"

    def ready(self) -> None:
        # Access rules, the periodic start/expiry check and the demo data register themselves on import.
        from exceptions import access_rules, checks, demo  # noqa: F401
