"""Playbooks per tier (issue 20, item 1: keyaccounts/playbooks/): a tier's versioned playbook, its plays, the plays
due per customer, who follows which version, and the moves between them. Imported by keyaccounts/models.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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
