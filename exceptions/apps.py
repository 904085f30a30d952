"""Standard processes and requests to deviate from them (DESIGN.md, "exceptions/")."""

from django.apps import AppConfig


class ExceptionsConfig(AppConfig):
    name = "exceptions"
    verbose_name = "Processes and exception requests"
