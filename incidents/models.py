"""Incidents and trust recovery (DESIGN.md, "Incidents and trust recovery"; issue 19).

- `Incident`: a disruption touching many customers at once (an outage, a delay, a quality or billing
  failure, a data problem): its kind, severity, regions and processes affected, when it started, was
  detected and was resolved, its owner (an operations lead) and its lifecycle (incidents/lifecycles.py:
  `open → mitigated → resolved → reviewed`, plus `cancelled`).
- `IncidentUpdate`: the timeline, one row per update posted and per lifecycle step (the table's log).
- `AffectedCustomer`: a customer the incident touches, chosen by rule (segment, region, process) or from a
  list, inserted set-based (incidents/services/affected.py); once per incident and customer (a constraint).
Who sees what: incidents/access_rules.py. No row holds free text about a customer (incidents/privacy.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from exceptions.models import Process
from intimacy_ops.accounts.models import Region
from segments.models import Customer

USER = settings.AUTH_USER_MODEL


class Incident(models.Model):
    class Kind(models.TextChoices):
        OUTAGE = "outage", "Outage"
        DELAY = "delay", "Delay"
        QUALITY = "quality", "Quality"
        BILLING = "billing", "Billing"
        DATA = "data", "Data"

    class Severity(models.TextChoices):
        CRITICAL = "critical", "Critical"
        MAJOR = "major", "Major"
        MINOR = "minor", "Minor"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATED = "mitigated", "Mitigated"
        RESOLVED = "resolved", "Resolved"
        REVIEWED = "reviewed", "Reviewed"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    description = models.TextField(blank=True, help_text="What happened, as known now.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    regions = models.ManyToManyField(Region, related_name="+")
    processes = models.ManyToManyField(Process, blank=True, related_name="+")
    started_at = models.DateTimeField()
    detected_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="owned_incidents")
    declared_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["-started_at", "-id"], name="incident_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(detected_at__gte=models.F("started_at")), name="incident_detected_after_start"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("started_at")),
                name="incident_resolved_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="incident_cancelled_with_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Incident #{self.pk}: {self.title}"


class IncidentUpdate(models.Model):
    """One line of the incident's timeline: an update posted, or a lifecycle step (from → to)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Update"
        STEP = "step", "Status change"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(blank=True)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["incident", "-at"], name="incident_update_timeline")]

    def __str__(self) -> str:
        return f"{self.incident_id} @ {self.at:%Y-%m-%d %H:%M}"


class AffectedCustomer(models.Model):
    """A customer the incident touches: how it was chosen (`via`), by whom, when."""

    class Via(models.TextChoices):
        RULE = "rule", "By rule"
        LIST = "list", "From a list"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    via = models.CharField(max_length=4, choices=Via.choices)
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["incident", "customer"]
        indexes = [models.Index(fields=["customer"], name="affected_customer")]
        constraints = [
            models.UniqueConstraint(fields=["incident", "customer"], name="affected_once_per_incident")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in incident {self.incident_id}"
