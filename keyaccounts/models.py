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


# --- The health score (issue 20, item 3): keyaccounts/score/ computes it; its weights are set here. ---------


class HealthWeights(models.Model):
    """One version of a region's health-score weights, set by an operations lead of the region (or an
    administrator). Never edited in place: a change is a new version, so the history says who changed what,
    when and why; the newest version of a region is the one the next scoring run uses."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    sla_compliance = models.PositiveSmallIntegerField(
        default=20,
        help_text="Points lost at 0% SLA compliance this quarter (in proportion to the share breached).",
    )
    breach = models.PositiveSmallIntegerField(default=5, help_text="Points per case breached this quarter.")
    escalation = models.PositiveSmallIntegerField(default=8, help_text="Points per open escalation.")
    negative_feedback = models.PositiveSmallIntegerField(
        default=4, help_text="Points per negative feedback item (counted sentiment, last 90 days)."
    )
    past_dates = models.PositiveSmallIntegerField(
        default=6, help_text="Points per exception past its expiry or condition past its due date."
    )
    incident = models.PositiveSmallIntegerField(
        default=3, help_text="Points per incident touching the customer (last 90 days)."
    )
    at_risk_below = models.PositiveSmallIntegerField(
        default=60, help_text="A customer scoring below this line is at risk."
    )
    note = models.CharField(max_length=500, blank=True, help_text="Why the weights changed.")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField()

    WEIGHTS = ("sla_compliance", "breach", "escalation", "negative_feedback", "past_dates", "incident")

    class Meta:
        ordering = ["region_id", "-version"]
        verbose_name = "health weights"
        verbose_name_plural = "health weights"
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="one_health_weights_version"),
            models.CheckConstraint(
                condition=Q(
                    sla_compliance__lte=100,
                    breach__lte=100,
                    escalation__lte=100,
                    negative_feedback__lte=100,
                    past_dates__lte=100,
                    incident__lte=100,
                    at_risk_below__gte=1,
                    at_risk_below__lte=100,
                ),
                name="health_weights_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Health weights v{self.version} of region {self.region_id}"


class HealthScore(models.Model):
    """A customer's health score on one day (the check `keyaccounts.health_scores` upserts today's row):
    the score, the line it was judged against, and `parts` — exactly what was computed, part by part
    (raw figure, weight, points), so the explanation never drifts from the number."""

    customer = models.ForeignKey("segments.Customer", on_delete=models.CASCADE, related_name="+")
    computed_on = models.DateField()
    computed_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField()
    line = models.PositiveSmallIntegerField(help_text="The region's at-risk line when computed.")
    below_line = models.BooleanField()
    parts = models.JSONField(default=list)
    weights = models.ForeignKey(
        HealthWeights, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score_30_days_ago = models.PositiveSmallIntegerField(null=True, blank=True)
    score_90_days_ago = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-computed_on", "score", "customer_id"]
        indexes = [
            models.Index(fields=["computed_on", "score"], name="healthscore_day_score"),
            # "Customers at risk" (an account manager's home): the day's few below the line, lowest first,
            # without walking the whole day's scores (125 ms → 4 ms at 100,000 customers).
            models.Index(
                fields=["computed_on", "score"], condition=Q(below_line=True), name="healthscore_day_below"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["customer", "computed_on"], name="one_health_score_per_day"),
            models.CheckConstraint(condition=Q(score__lte=100), name="health_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} on {self.computed_on}: {self.score}"

    @property
    def change_30(self) -> int | None:
        return None if self.score_30_days_ago is None else self.score - self.score_30_days_ago

    @property
    def change_90(self) -> int | None:
        return None if self.score_90_days_ago is None else self.score - self.score_90_days_ago


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


# Playbooks per tier (issue 20, item 1) live in their own module, beside; imported here so Django finds them.
from keyaccounts.models_playbooks import Play, Playbook, PlaybookFollow, PlaybookMove, PlayDue  # noqa: E402, F401
