"""Who may read a customer's sensitive fields beyond their role, and the record of every look.

- `CustomerUserObjectPermission` / `CustomerGroupObjectPermission`: django-guardian's direct
  foreign-key object permissions for customers (an indexed join, not a generic varchar lookup).
- `SensitiveAccessGrant`: why and until when a data steward gave a user a customer's sensitive
  fields; the guardian row is the permission, the grant its purpose and term (checked at read time).
- `BreakGlassSession`: emergency access to one customer, justified, for at most N hours, reviewed
  afterwards by a data steward.
- `AccessLogEntry`: append-only, one row per customer per response that showed sensitive values.

The mechanism that reads these lives in `intimacy_ops.sensitive`; segments registers them with it
in `segments.privacy` (from SegmentsConfig.ready()).
"""

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from intimacy_ops import sensitive
from segments.models import Customer

VIEW_SENSITIVE = "view_sensitive_customer"


class CustomerUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "customer permission of a user"


class CustomerGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "customer permission of a group"


class SensitiveAccessGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sensitive_grants"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sensitive_grants")
    purpose = models.CharField(max_length=200)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["user", "customer", "expires_at"], name="grant_user_customer_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")), name="grant_expires_after_start"
            ),
            models.CheckConstraint(condition=~Q(purpose=""), name="grant_has_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → customer {self.customer_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.granted_at <= now < self.expires_at


class BreakGlassSession(models.Model):
    class Outcome(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        FLAG = "flag", "Flagged"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_sessions"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="break_glass_sessions")
    justification = models.TextField()
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["user", "customer", "expires_at"], name="breakglass_user_customer")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("opened_at")), name="breakglass_expires_after_open"
            ),
            models.CheckConstraint(
                condition=Q(review_outcome="", reviewed_at__isnull=True)
                | (~Q(review_outcome="") & Q(reviewed_at__isnull=False)),
                name="breakglass_review_complete",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"break-glass by {self.user_id} on customer {self.customer_id} at {self.opened_at:%Y-%m-%d %H:%M}"
        )


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access-log entry."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Access-log entries are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError(
            "Access-log entries are append-only: they cannot be deleted (see purge_before)."
        )

    _raw_delete = delete

    def purge_before(self, cutoff) -> int:
        """Retention's one way out: delete the entries logged before `cutoff` (the trigger lets it pass)."""
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL intimacy_ops.retention = 'on'")
            doomed = AccessLogEntry.objects.filter(at__lt=cutoff)
            return models.QuerySet._raw_delete(doomed, doomed.db)


class AccessLogEntry(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="access_log")
    fields = models.JSONField(help_text="The sensitive fields shown unmasked.")
    at = models.DateTimeField(db_index=True)
    purpose = models.CharField(max_length=250, help_text='"own account", "grant: …" or "break-glass".')
    channel = models.CharField(max_length=10, choices=sensitive.CHANNELS)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"
        indexes = [
            models.Index(fields=["customer", "at"], name="accesslog_customer_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} saw {', '.join(self.fields)} of customer {self.customer_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Access-log entries are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access-log entries are append-only: they cannot be deleted.")
