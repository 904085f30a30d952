"""Incidents and trust recovery (DESIGN.md, "Incidents and trust recovery"; issue 19).

- `Incident`: a disruption touching many customers at once (an outage, a delay, a quality or billing
  failure, a data problem): its kind, severity, regions and processes affected, when it started, was
  detected and was resolved, its owner (an operations lead) and its lifecycle (incidents/lifecycles.py:
  `open → mitigated → resolved → reviewed`, plus `cancelled`).
- `IncidentUpdate`: the timeline, one row per update posted and per lifecycle step (the table's log).
- `AffectedCustomer`: a customer the incident touches, chosen by rule (segment, region, process) or from a
  list, inserted set-based (incidents/services/affected.py); once per incident and customer (a constraint).
- `GoodwillLimit`: how much goodwill a role may give one customer of a tier in one incident, set by
  administrators; `Goodwill`: a credit or an expedited service given to an affected customer — recorded at
  once within the giver's limit, else an exception request routed like any other (incidents/services/goodwill.py).
- `PostMortem`: one per incident — its root cause (a feedback RCA opened from the incident: five whys and
  corrective actions), the trust impact assessment (the owner's text and the facts frozen when it was written),
  lessons and other actions (incidents/services/post_mortem.py). An affected row keeps the customer's annual
  revenue and tier when it was added (`revenue_at_start`, `segment_at_start`): recovery compares them with now.
Who sees what: incidents/access_rules.py. A goodwill's `reason` is free text about its customer
(incidents/privacy.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from exceptions.models import ExceptionRequest, Process
from feedback.models import RootCauseAnalysis
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from segments.models import Customer, Segment

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
    # What the customer brought when added (recovery: who reduced or ended their business); null before 0005.
    revenue_at_start = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    segment_at_start = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["incident", "customer"]
        indexes = [models.Index(fields=["customer"], name="affected_customer")]
        constraints = [
            models.UniqueConstraint(fields=["incident", "customer"], name="affected_once_per_incident")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in incident {self.incident_id}"


class GoodwillLimit(models.Model):
    """The most goodwill a holder of `role` gives one customer of `segment` in one incident without approval."""

    role = models.CharField(max_length=40, choices=Role.choices)
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["segment__rank", "role"]
        constraints = [
            models.UniqueConstraint(fields=["role", "segment"], name="goodwill_limit_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="goodwill_limit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.segment_id}: {self.amount}"


class Goodwill(models.Model):
    class Kind(models.TextChoices):
        CREDIT = "credit", "Credit"
        EXPEDITE = "expedite", "Expedited service"

    class Status(models.TextChoices):
        RECORDED = "recorded", "Recorded (within the limit)"
        REQUESTED = "requested", "Requested as an exception"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="goodwill")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices)
    limit = models.DecimalField(max_digits=12, decimal_places=2, help_text="The giver's limit when given.")
    exception = models.ForeignKey(
        ExceptionRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["incident", "customer"], name="goodwill_per_customer")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="goodwill_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} to {self.customer_id} ({self.incident_id})"


class PostMortem(models.Model):
    """An incident's post-mortem: root cause (a feedback RCA), trust impact assessment, lessons, other actions.

    `facts` are the trust impact figures (affected by tier, escalations, goodwill, negative feedback before and
    after, customers who reduced or ended their business) frozen when the assessment was written
    (`assessed_at`, by `assessed_by`); the page shows them live until then (incidents/selectors/trust.py)."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="post_mortem")
    rca = models.ForeignKey(
        RootCauseAnalysis, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The root-cause analysis (five whys, corrective actions) opened from this incident.",
    )  # fmt: skip
    trust_assessment = models.TextField(blank=True, help_text="The owner's reading of the trust impact.")
    facts = models.JSONField(default=dict, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lessons = models.TextField(blank=True)
    actions = models.TextField(blank=True, help_text="Actions outside the RCA's corrective actions.")
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(assessed_at__isnull=True) | ~Q(trust_assessment=""),
                name="post_mortem_assessed_with_text",
            )
        ]

    def __str__(self) -> str:
        return f"Post-mortem of incident {self.incident_id}"


class MessageTemplate(models.Model):
    """One version of what an account manager tells the customers of a tier after an incident of a kind:
    a subject and a body with placeholders (`{customer_name}` …, incidents/services/messages.py). Saving new
    words makes a new version; the latest is used, the older ones are kept. A `personal` version is for a
    call or a meeting first (the top tier's), a standard one for an e-mail."""

    class Level(models.TextChoices):
        PERSONAL = "personal", "Personal (call or meet first)"
        STANDARD = "standard", "Standard"

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Incident.Kind.choices)
    version = models.PositiveIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["segment__rank", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "kind", "version"], name="message_template_version_once"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="message_template_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} · {self.kind} v{self.version}"


class IncidentMessage(models.Model):
    """The message an affected customer was sent about an incident: once per incident and customer (a second
    record is a 409), with the words as sent, the channel, when and by whom, and the template version used."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        OTHER = "other", "Other"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(
        MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    edited = models.BooleanField(default=False, help_text="The words differ from the template's rendering.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "customer"], name="incident_message_once_per_customer"
            )
        ]

    def __str__(self) -> str:
        return f"Message to {self.customer_id} about incident {self.incident_id}"
