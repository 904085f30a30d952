"""Key accounts kept close (issue 20). Today: the customer's own view of their terms, through a link.

A `CustomerLink` lets one customer contact read that customer's terms without an account: a signed token
(keyaccounts/links.py) naming the link and a secret, of which only a hash is kept; it expires, can be
revoked (a lifecycle row, keyaccounts/lifecycles.py), and every view is in the access log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CustomerLink(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"

    customer = models.ForeignKey("segments.Customer", on_delete=models.CASCADE, related_name="links")
    contact_name = models.CharField(max_length=200, help_text="Who at the customer the link is for.")
    secret_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token's secret.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    views = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["customer", "issued_at"], name="customerlink_customer_issued")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")), name="link_expires_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(status="active", revoked_at__isnull=True)
                | Q(status="revoked", revoked_at__isnull=False),
                name="link_revoked_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Link for {self.contact_name} ({self.customer_id})"

    def is_open(self, now) -> bool:
        return self.status == self.Status.ACTIVE and self.expires_at > now


# --- Health reviews (issue 20, item 2): quarterly business reviews on a cadence per tier ---------------------
# keyaccounts/health/: the cadence and periods, the check that opens reviews, the facts, completing one.


class HealthReviewCadence(models.Model):
    """How often a tier's customers are reviewed: every `every_months` months, or never (None). A tier
    without a row follows the default by its place among the tiers (keyaccounts/health/cadence.py)."""

    class Every(models.IntegerChoices):
        MONTH = 1, "Every month"
        QUARTER = 3, "Every quarter"
        HALF_YEAR = 6, "Every six months"
        YEAR = 12, "Every year"

    segment = models.OneToOneField("segments.Segment", on_delete=models.CASCADE, related_name="+")
    every_months = models.PositiveSmallIntegerField(choices=Every.choices, null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(every_months__isnull=True) | Q(every_months__in=[1, 3, 6, 12]),
                name="health_cadence_months_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}: every {self.every_months or '—'} months"


class HealthReview(models.Model):
    """One customer's health review for one period of its tier's cadence ("2026-Q4"): opened by the check
    `keyaccounts.health_reviews_due`, completed by the account manager (notes, agreed actions, the next date)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    customer = models.ForeignKey("segments.Customer", on_delete=models.CASCADE, related_name="health_reviews")
    period = models.CharField(
        max_length=10, help_text='The period reviewed: "2026-Q4", "2026-H2", "2026-12".'
    )
    period_starts_on = models.DateField()
    period_ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField()
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    next_on = models.DateField(null=True, blank=True, help_text="The next review's date, agreed at this one.")
    facts = models.JSONField(null=True, blank=True, help_text="The period's facts, frozen when completed.")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["account_manager", "status", "due_on"], name="health_review_am_due"),
            models.Index(fields=["status", "due_on"], name="health_review_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["customer", "period"], name="health_review_once_per_period"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="health_review_completed_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(period_ends_on__gte=models.F("period_starts_on")),
                name="health_review_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Health review {self.period} of customer {self.customer_id}"


class HealthReviewAction(models.Model):
    """An action agreed at a health review: who does what by when."""

    review = models.ForeignKey(HealthReview, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.text[:40]} ({self.owner_id}, {self.due_on})"
