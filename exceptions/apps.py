"""Standard processes and requests to deviate from them (DESIGN.md, "exceptions/")."""

from django.apps import AppConfig


class ExceptionsConfig(AppConfig):
    name = "exceptions"
    verbose_name = "Processes and exception requests"

    def ready(self) -> None:
        # Access rules, the periodic start/expiry check, the demo data, the navigation entry and the home
        # cards register themselves on import.
        from exceptions import access_rules, checks, demo, home_cards, navigation  # noqa: F401
