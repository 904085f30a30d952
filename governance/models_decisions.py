"""What a board's decision shapes beyond its outcome (issue 17, item 2): the conditions of an approval, as items
with an owner and a due date that a check follows up, and the exceptions a sunset leaves out, with the reason.

Models of governance (imported at the end of `governance.models`); they name the review by label, so this
module imports nothing of governance's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Condition(models.Model):
    """One condition of an approval: what must be done, by whom, by when; met or open.

    The check `governance.conditions_due` reminds the owner once a few days before the due date
    (`reminded_on`), and escalates an overdue open condition through the escalation ladder once (the
    escalations' one-open-per-subject constraint), which climbs a level at a time.
    """

    review = models.ForeignKey("governance.Review", on_delete=models.CASCADE, related_name="condition_items")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conditions")
    due_on = models.DateField(db_index=True)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    met_note = models.TextField(blank=True)
    reminded_on = models.DateField(null=True, blank=True, help_text="When the owner was reminded (once).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(met_at__isnull=True), name="condition_open_due")
        ]

    def __str__(self) -> str:
        return f"Condition {self.pk} of review {self.review_id}: {self.description[:60]}"

    @property
    def is_met(self) -> bool:
        return self.met_at is not None


class SunsetExclusion(models.Model):
    """A covered exception the chair left out of an approved sunset: it stays active; the reason is kept."""

    review = models.ForeignKey("governance.Review", on_delete=models.CASCADE, related_name="exclusions")
    exception = models.ForeignKey(
        "exceptions.ExceptionRequest", on_delete=models.PROTECT, related_name="sunset_exclusions"
    )
    reason = models.TextField()
    excluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    excluded_at = models.DateTimeField()

    class Meta:
        ordering = ["exception_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "exception"], name="one_exclusion_per_review_exception")
        ]

    def __str__(self) -> str:
        return f"Exception {self.exception_id} left out of review {self.review_id}"


# Change control over the standard itself (issue 17, items 4 and 5): found by Django through this import.
from governance.standard.models import Restandardization, StandardChange  # noqa: E402, F401

# The dashboard's review-backlog summary tables (governance/summaries), found with the app's models.
from governance.summaries.models import ReviewBacklogFigure, ReviewDecisionFigure  # noqa: E402, F401
