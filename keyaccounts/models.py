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
        indexes = [models.Index(fields=["computed_on", "score"], name="healthscore_day_score")]
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


# --- Playbooks per tier (issue 20, item 1: keyaccounts/playbooks/) ---------------------------------------------


class Playbook(models.Model):
    """One version of a tier's playbook: its plays apply from `effective_on`; older versions are kept."""

    segment = models.ForeignKey("segments.Segment", on_delete=models.PROTECT, related_name="playbooks")
    version = models.PositiveIntegerField()
    effective_on = models.DateField(help_text="From this day the tier's customers follow this version.")
    note = models.TextField(blank=True, help_text="What changed, in a sentence.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["segment__rank", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "version"], name="playbook_one_version_number"),
            models.CheckConstraint(condition=Q(version__gte=1), name="playbook_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.segment.name} playbook v{self.version}"


class Play(models.Model):
    """One play of a playbook version: what, triggered by what, done by whom, within how many days."""

    class Trigger(models.TextChoices):
        ONBOARDING = "onboarding", "Onboarding (the customer enters the tier)"
        ESCALATION = "escalation", "An escalation about the customer"
        INCIDENT = "incident", "An incident affecting the customer"
        CADENCE = "cadence", "Every N days"

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="plays")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    what = models.TextField(blank=True)
    trigger = models.CharField(max_length=12, choices=Trigger.choices)
    every_days = models.PositiveIntegerField(null=True, blank=True, help_text="Cadence plays only.")
    role = models.CharField(max_length=40, help_text="Who does it: a role (intimacy_ops.accounts.roles).")
    days_to_do = models.PositiveIntegerField(help_text="Days from the trigger to the due date.")

    class Meta:
        ordering = ["playbook", "position"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "position"], name="play_position_unique"),
            models.CheckConstraint(
                condition=Q(trigger="cadence", every_days__gte=1)
                | (~Q(trigger="cadence") & Q(every_days=None)),
                name="play_cadence_has_days",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def trigger_text(self) -> str:
        if self.trigger == self.Trigger.CADENCE:
            return f"every {self.every_days} day{'s' if self.every_days != 1 else ''}"
        return {
            "onboarding": "on onboarding",
            "escalation": "on an escalation",
            "incident": "on an incident",
        }[self.trigger]


class PlaybookFollow(models.Model):
    """The playbook version a customer follows now (one row per customer, kept by `keyaccounts.plays_due`)."""

    customer = models.OneToOneField(
        "segments.Customer", on_delete=models.CASCADE, related_name="playbook_follow"
    )
    playbook = models.ForeignKey(Playbook, null=True, on_delete=models.PROTECT, related_name="+")
    since_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.customer_id} follows {self.playbook_id}"


class PlayDue(models.Model):
    """One occurrence of a play for one customer: due → done | skipped | moved (keyaccounts/lifecycles.py)."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        MOVED = "moved", "Moved (tier or version changed)"

    customer = models.ForeignKey("segments.Customer", on_delete=models.CASCADE, related_name="plays_due")
    play = models.ForeignKey(Play, on_delete=models.PROTECT, related_name="occurrences")
    occurrence = models.CharField(
        max_length=40, help_text="What triggered it: `cadence:2027-01-05`, `incident:12`…"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DUE)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    reminded_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "play", "occurrence"], name="play_due_once_per_occurrence"
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="play_due_status_due"),
            models.Index(fields=["customer", "status"], name="play_due_customer_status"),
        ]

    def __str__(self) -> str:
        return f"{self.play} for {self.customer_id} (due {self.due_on})"

    @property
    def occurrence_text(self) -> str:
        """`onboarding:2026-12-07` → "onboarding on 2026-12-07", `incident:12` → "incident #12"."""
        kind, _, ref = self.occurrence.partition(":")
        if kind in ("escalation", "incident"):
            return f"{kind} #{ref}"
        return f"{'period ending' if kind == 'cadence' else kind + ' on'} {ref}"


class PlaybookMove(models.Model):
    """A customer moved from one playbook version to another (a tier change, a new version in effect)."""

    customer = models.ForeignKey("segments.Customer", on_delete=models.CASCADE, related_name="playbook_moves")
    from_playbook = models.ForeignKey(Playbook, null=True, on_delete=models.PROTECT, related_name="+")
    to_playbook = models.ForeignKey(Playbook, null=True, on_delete=models.PROTECT, related_name="+")
    added = models.JSONField(
        default=list, help_text="Titles of the plays the new version has and the old had not."
    )
    removed = models.JSONField(default=list, help_text="Titles of the old version's plays the new one drops.")
    closed = models.PositiveIntegerField(default=0, help_text="Open plays closed as moved.")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "at"], name="playbook_move_customer_at")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_playbook_id} → {self.to_playbook_id}"
