"""What a change-control review of the standard itself is about (found by Django through governance/models.py,
which imports them). Models are named by string: this module imports no other governance module."""

from django.db import models


class StandardChange(models.Model):
    """The pending version a `standard_change` review decides, and what it changes (whom a retired option affects)."""

    review = models.OneToOneField(
        "governance.Review", on_delete=models.CASCADE, related_name="standard_change"
    )
    version = models.OneToOneField(
        "exceptions.ProcessVersion", on_delete=models.PROTECT, related_name="standard_change"
    )
    previous = models.ForeignKey(
        "exceptions.ProcessVersion",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version in effect when the change was proposed.",
    )
    procedure_changed = models.BooleanField(default=False)
    removed_options = models.JSONField(default=list, blank=True)
    affected_customers = models.ManyToManyField(
        "segments.Customer", blank=True, related_name="+", help_text="Customers using a retired option."
    )

    def __str__(self) -> str:
        return f"Review {self.review_id} of version {self.version_id}"


class Restandardization(models.Model):
    """The marker that a controlled process's active exceptions were put to its board for one period."""

    process = models.ForeignKey(
        "exceptions.Process", on_delete=models.CASCADE, related_name="restandardizations"
    )
    period_start = models.DateField(
        help_text="First day of the period (every `restandardize_months` months)."
    )
    review = models.OneToOneField(
        "governance.Review", on_delete=models.CASCADE, related_name="restandardization"
    )

    class Meta:
        ordering = ["-period_start", "process_id"]
        constraints = [
            # However often (and however concurrently) the check runs: one review per process and period.
            models.UniqueConstraint(
                fields=["process", "period_start"], name="one_restandardization_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.process_id}: re-standardization from {self.period_start}"
