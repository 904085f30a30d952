"""The periodic check of exceptions: start and expiry dates (DESIGN.md, "Background work")."""

from django.utils import timezone

from exceptions.services.lifecycle import activate_due_exceptions, expire_due_exceptions
from intimacy_ops import checks


@checks.register(
    name="exceptions.start_and_expiry",
    every_seconds=3600,
    description="Approved exceptions become active on their start date; active ones expire on their expiry date.",
)
def start_and_expiry() -> str:
    today = timezone.localdate()
    activated = activate_due_exceptions(today=today)
    expired = expire_due_exceptions(today=today)
    return f"activated {activated}, expired {expired} exception(s)"
