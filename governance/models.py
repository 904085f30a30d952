"""Change-control boards and their reviews (DESIGN.md, "governance/"). Minimal for now: votes,
meetings and threshold policies come with the governance issue."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from exceptions.models import ExceptionRequest, ExtensionRequest
from intimacy_ops.accounts.models import Region


class Board(models.Model):
    class Rule(models.TextChoices):
        SIMPLE_MAJORITY = "simple_majority", "Simple majority"
        TWO_THIRDS = "two_thirds", "Two-thirds"
        UNANIMOUS = "unanimous", "Unanimous"

    name = models.CharField(max_length=120, unique=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_boards"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="boards", blank=True)
    categories = models.JSONField(
        default=list, blank=True, help_text="Process categories in scope; empty: every category."
    )
    regions = models.ManyToManyField(Region, related_name="boards", help_text="Regions in scope.")
    quorum = models.PositiveSmallIntegerField(default=2)
    rule = models.CharField(max_length=20, choices=Rule.choices, default=Rule.SIMPLE_MAJORITY)
    review_days = models.PositiveSmallIntegerField(
        default=10, help_text="Review SLA: days from opening to due."
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=Q(quorum__gte=1), name="board_quorum_at_least_one")]

    def __str__(self) -> str:
        return self.name

    def covers_category(self, category: str) -> bool:
        return not self.categories or category in self.categories


class Review(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        NONE = "", "Not decided"
        APPROVE = "approve", "Approve"
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
        REJECT = "reject", "Reject"
        RETURN_FOR_CHANGES = "return_for_changes", "Return for changes"
        DEFER = "defer", "Defer"

    exception = models.ForeignKey(ExceptionRequest, on_delete=models.PROTECT, related_name="reviews")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="reviews")
    extension = models.ForeignKey(
        ExtensionRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="Set when the review decides an extension beyond the region's maximum, not the request itself.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    due_on = models.DateField()
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.NONE, blank=True)
    rationale = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # However often routing runs, a request has at most one open review.
            models.UniqueConstraint(
                fields=["exception"], condition=Q(status="open"), name="one_open_review_per_exception"
            ),
            models.CheckConstraint(
                condition=Q(status="decided") | Q(outcome=""), name="review_outcome_only_when_decided"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.exception_id} by {self.board_id}"
