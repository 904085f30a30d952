"""What the exceptions' checks mark so that they act once: the requester reminded of an expiry date, a process
owner told that enough customers hold one kind of deviation (a standard option). Models of exceptions
(imported at the end of `exceptions.models`); they name the models they mark by label."""

from django.conf import settings
from django.db import models


class ExpiryReminder(models.Model):
    """The marker that the requester was reminded of one expiry date: at most one per exception and date.

    Keyed by the expiry date, so an exception extended to a later date is reminded again of the new one.
    """

    exception = models.ForeignKey(
        "exceptions.ExceptionRequest", on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["exception", "expires_on"], name="one_expiry_reminder_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.exception_id}: reminded of {self.expires_on}"


class StandardOptionSignal(models.Model):
    """Enough customers hold active exceptions of one process with one deviation tag: the owner was told, once."""

    process = models.ForeignKey(
        "exceptions.Process", on_delete=models.CASCADE, related_name="standard_option_signals"
    )
    deviation_tag = models.SlugField(max_length=50)
    customers = models.PositiveIntegerField(
        help_text="Distinct customers holding it when the line was crossed."
    )
    raised_at = models.DateTimeField()
    notified = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "deviation_tag"], name="one_standard_option_signal")
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.deviation_tag} ({self.customers} customers)"
