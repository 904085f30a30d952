from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Escalation(models.Model):
    """A line a check saw crossed, raised to someone who must act: it climbs its ladder until acknowledged.

    Subject: any object (a case, a review, an exception…). Exactly one open (unresolved) escalation per
    subject and reason, enforced by the database, so a check may run as often as it likes.
    `ladder` is the list of rungs `[{"role": "operations lead", "after_minutes": 60}, …]`: level N targets
    rung N-1; still unacknowledged `after_minutes` of rung N past `raised_at` (cumulative from the raise),
    it climbs to rung N (see escalations/services.py).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    subject_label = models.CharField(max_length=200)
    subject_link = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=60, help_text="What crossed the line, e.g. sla_resolution_breached.")
    detail = models.TextField(blank=True)
    region = models.ForeignKey(
        "accounts.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Scope: who may see it (users of this region); empty: every region.",
    )
    level = models.PositiveSmallIntegerField(default=1)
    ladder = models.JSONField(default=list, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="escalations"
    )
    target_role = models.CharField(max_length=50, blank=True)
    raised_at = models.DateTimeField()
    level_raised_at = models.DateTimeField()
    next_level_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When it climbs if nobody acknowledges it; empty at the top.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["-level", "raised_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="escalation_subject")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reason"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_escalation_per_subject_reason",
            ),
            models.CheckConstraint(condition=Q(level__gte=1), name="escalation_level_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} on {self.subject_label} (level {self.level})"
